import Foundation

@testable import SyncEmulator

/// Document, Map and Map Item requests for `EmulatorDriver`.
extension EmulatorDriver {
    @discardableResult
    func createDocument(_ name: String? = nil, data: String? = #"{"n":1}"#, ttl: Int? = nil) -> Reply {
        var form: [String: String] = [:]
        if let name { form["UniqueName"] = name }
        if let data { form["Data"] = data }
        if let ttl { form["Ttl"] = String(ttl) }
        return send("POST", "/Documents", form: form)
    }

    @discardableResult
    func updateDocument(_ id: String, data: String? = nil, ttl: Int? = nil, ifMatch: String? = nil) -> Reply {
        var form: [String: String] = [:]
        if let data { form["Data"] = data }
        if let ttl { form["Ttl"] = String(ttl) }
        return send("POST", "/Documents/\(id)", form: form, ifMatch: ifMatch)
    }

    @discardableResult
    func createMap(_ name: String? = nil, form extra: [String: String] = [:]) -> Reply {
        var form = extra
        if let name { form["UniqueName"] = name }
        return send("POST", "/Maps", form: form)
    }

    @discardableResult
    func createItem(_ map: String, _ key: String, data: String = #"{"v":1}"#, form extra: [String: String] = [:])
        -> Reply
    {
        var form = extra
        form["Key"] = key
        form["Data"] = data
        return send("POST", "/Maps/\(map)/Items", form: form)
    }

    @discardableResult
    func updateItem(
        _ map: String, _ key: String, data: String? = nil, form extra: [String: String] = [:], ifMatch: String? = nil
    ) -> Reply {
        var form = extra
        if let data { form["Data"] = data }
        return send("POST", itemPath(map, key), form: form, ifMatch: ifMatch)
    }

    /// `/Maps/{map}/Items/{key}` with the key percent-encoded, as a client sends it.
    func itemPath(_ map: String, _ key: String) -> String {
        "/Maps/\(map)/Items/\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key)"
    }
}

/// JSON object text of exactly `bytes` bytes of UTF-8 (at least 8): `{"p":"aaa…"}`.
func objectData(bytes: Int) -> String {
    #"{"p":""# + String(repeating: "a", count: bytes - 8) + #""}"#
}
