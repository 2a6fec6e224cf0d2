import Foundation

/// Documents, Maps and Map Items in Twilio's JSON shapes (`sync.v1.service.document`, `sync.v1.service.sync_map`,
/// `sync.v1.service.sync_map.sync_map_item`), with URLs built on the request's base URL.
extension SyncEmulator {
    /// `{base}/v1/Services/{service}`.
    func serviceURL(_ baseURL: String) -> String {
        "\(baseURL)/v1/Services/\(configuration.serviceSID)"
    }

    /// A Document in Twilio's JSON shape.
    func render(_ document: EmulatedDocument, baseURL: String) -> [String: Any] {
        let url = "\(serviceURL(baseURL))/Documents/\(document.sid)"
        return [
            "sid": document.sid,
            "unique_name": document.uniqueName ?? NSNull(),
            "account_sid": configuration.accountSID,
            "service_sid": configuration.serviceSID,
            "url": url,
            "links": ["permissions": "\(url)/Permissions"],
            "revision": document.revision,
            "data": JSONBody.object(document.data),
            "date_expires": JSONBody.date(document.dateExpires),
            "date_created": JSONBody.date(document.dateCreated),
            "date_updated": JSONBody.date(document.dateUpdated),
            "created_by": "system",
        ]
    }

    /// A Map in Twilio's JSON shape.
    func render(_ map: EmulatedMap, baseURL: String) -> [String: Any] {
        let url = "\(serviceURL(baseURL))/Maps/\(map.sid)"
        return [
            "sid": map.sid,
            "unique_name": map.uniqueName ?? NSNull(),
            "account_sid": configuration.accountSID,
            "service_sid": configuration.serviceSID,
            "url": url,
            "links": ["items": "\(url)/Items", "permissions": "\(url)/Permissions"],
            "revision": map.revision,
            "date_expires": JSONBody.date(map.dateExpires),
            "date_created": JSONBody.date(map.dateCreated),
            "date_updated": JSONBody.date(map.dateUpdated),
            "created_by": "system",
        ]
    }

    /// A Map Item in Twilio's JSON shape (its URL holds the key percent-encoded).
    func render(_ item: EmulatedMapItem, in map: EmulatedMap, baseURL: String) -> [String: Any] {
        [
            "key": item.key,
            "account_sid": configuration.accountSID,
            "service_sid": configuration.serviceSID,
            "map_sid": map.sid,
            "url": "\(serviceURL(baseURL))/Maps/\(map.sid)/Items/\(PageQuery.encoded(item.key))",
            "revision": item.revision,
            "data": JSONBody.object(item.data),
            "date_expires": JSONBody.date(item.dateExpires),
            "date_created": JSONBody.date(item.dateCreated),
            "date_updated": JSONBody.date(item.dateUpdated),
            "created_by": "system",
        ]
    }
}
