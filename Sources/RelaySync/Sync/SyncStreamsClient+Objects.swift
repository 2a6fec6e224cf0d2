/// The requests for Sync Documents, Maps and Map Items that `SyncSnapshotWriter` sends (`sync.v1.service.document`,
/// `sync.v1.service.sync_map`, `sync.v1.service.sync_map.sync_map_item`). Objects are addressed by unique name (and
/// item key), each percent-encoded as one path segment as stream names are, so a key may hold `/`, `%` or any text.
///
/// `Data` is the caller's exact JSON bytes, form-encoded straight from them. A TTL is in seconds: a create sends none
/// for 0 (never expires, Twilio's default), an update always sends it, so 0 clears an expiry set before.
extension SyncStreamsClient {
    /// Creates Document `name` holding `data`.
    func createDocumentRequest(_ name: String, data: [UInt8], ttl: Int) -> HTTPClientRequest {
        var fields = [("UniqueName", Array(name.utf8)), ("Data", data)]
        if ttl > 0 { fields.append(("Ttl", Array(String(ttl).utf8))) }
        return makeRequest(.post, "\(serviceURL)/Documents", body: FormEncoding.body(fields))
    }

    /// Replaces Document `name`'s data and TTL if its revision is `ifMatch` (nil: whatever it is).
    func updateDocumentRequest(_ name: String, data: [UInt8], ttl: Int, ifMatch: String?) -> HTTPClientRequest {
        let fields = [("Data", data), ("Ttl", Array(String(ttl).utf8))]
        return makeRequest(.post, documentURL(name), body: FormEncoding.body(fields), ifMatch: ifMatch)
    }

    /// Fetches Document `name`.
    func fetchDocumentRequest(_ name: String) -> HTTPClientRequest {
        makeRequest(.get, documentURL(name), body: nil)
    }

    /// Deletes Document `name` (Twilio takes no `If-Match` on a Document's delete).
    func deleteDocumentRequest(_ name: String) -> HTTPClientRequest {
        makeRequest(.delete, documentURL(name), body: nil)
    }

    /// Creates Map `name`, with no TTL: its items carry their own.
    func createMapRequest(_ name: String) -> HTTPClientRequest {
        makeRequest(.post, "\(serviceURL)/Maps", body: FormEncoding.body([("UniqueName", Array(name.utf8))]))
    }

    /// Creates the item `key` of Map `map` holding `data`.
    func createMapItemRequest(map: String, key: String, data: [UInt8], ttl: Int) -> HTTPClientRequest {
        var fields = [("Key", Array(key.utf8)), ("Data", data)]
        if ttl > 0 { fields.append(("ItemTtl", Array(String(ttl).utf8))) }
        return makeRequest(.post, "\(mapURL(map))/Items", body: FormEncoding.body(fields))
    }

    /// Replaces the data and TTL of item `key` of Map `map` if its revision is `ifMatch` (nil: whatever it is).
    func updateMapItemRequest(map: String, key: String, data: [UInt8], ttl: Int, ifMatch: String?) -> HTTPClientRequest
    {
        let fields = [("Data", data), ("ItemTtl", Array(String(ttl).utf8))]
        return makeRequest(.post, mapItemURL(map: map, key: key), body: FormEncoding.body(fields), ifMatch: ifMatch)
    }

    /// Fetches item `key` of Map `map`.
    func fetchMapItemRequest(map: String, key: String) -> HTTPClientRequest {
        makeRequest(.get, mapItemURL(map: map, key: key), body: nil)
    }

    /// Deletes item `key` of Map `map` if its revision is `ifMatch` (nil: whatever it is).
    func deleteMapItemRequest(map: String, key: String, ifMatch: String?) -> HTTPClientRequest {
        makeRequest(.delete, mapItemURL(map: map, key: key), body: nil, ifMatch: ifMatch)
    }

    private func documentURL(_ name: String) -> String {
        "\(serviceURL)/Documents/\(FormEncoding.percentEncode(name))"
    }

    private func mapURL(_ name: String) -> String {
        "\(serviceURL)/Maps/\(FormEncoding.percentEncode(name))"
    }

    private func mapItemURL(map: String, key: String) -> String {
        "\(mapURL(map))/Items/\(FormEncoding.percentEncode(key))"
    }
}
