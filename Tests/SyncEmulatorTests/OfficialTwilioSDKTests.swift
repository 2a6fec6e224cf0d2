import Foundation
import RelayTestSupport
import Testing

@testable import SyncEmulator

/// Twilio's official Python SDK (twilio 9.13.0, `Tests/Fixtures/twilio_sync_read.py`) lists, pages, fetches and
/// conditionally updates what the emulator holds, over loopback: the emulator speaks the API the SDK was made for.
@Suite("Twilio's Python SDK reads the emulator", .timeLimit(.minutes(2)))
struct OfficialTwilioSDKTests {
    static let token = SyncEmulatorConfiguration.defaultAuthToken
    /// What the script adds to each Map it lists.
    static let readExtras: Set<String> = ["fetched", "items", "items_desc", "items_from", "fetched_items"]

    @Test func theSDKSeesExactlyTheEmulatorsDocumentsMapsAndItems() async throws {
        let emulator = SyncEmulator()
        let configuration = emulator.configuration
        try await SyncEmulatorServer.withRunning(emulator) { running in
            let base = running.baseURL
            try Self.seed(emulator, baseURL: base)
            let documents = emulator.documents().map { Self.held(emulator.render($0, baseURL: base)) }
            let maps = emulator.maps()
            let text = try await OfficialTwilioSync.read(
                baseURL: base, accountSID: configuration.accountSID, authToken: Self.token,
                serviceSID: configuration.serviceSID, updateDocument: "cas")
            let read = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])

            #expect(try Self.canonical(read["documents"]) == Self.canonical(documents))
            #expect(try Self.canonical(read["fetched_documents"]) == Self.canonical(documents))
            let seen = try #require(read["maps"] as? [[String: Any]])
            #expect(seen.compactMap { $0["sid"] as? String } == maps.map(\.sid))
            for (map, held) in zip(seen, maps) {
                let listed = map.filter { !Self.readExtras.contains($0.key) }
                let expected = Self.held(emulator.render(held, baseURL: base))
                #expect(try Self.canonical(listed) == Self.canonical(expected))
                #expect(try Self.canonical(map["fetched"]) == Self.canonical(expected))
                let heldItems = emulator.mapItems(held.sid)
                let items = heldItems.map { Self.held(emulator.render($0, in: held, baseURL: base)) }
                #expect(try Self.canonical(map["items"]) == Self.canonical(items))
                #expect(try Self.canonical(map["fetched_items"]) == Self.canonical(items))
                #expect(try Self.canonical(map["items_desc"]) == Self.canonical(Array(items.reversed())))
                #expect(map["items_from"] as? [String] == heldItems.dropFirst(2).map(\.key))
            }
            #expect((seen.first?["items"] as? [Any])?.count == 5, "three pages of two")

            let update = try #require(read["update"] as? [String: Any])
            let stale = try #require(update["stale"] as? [String: Any])
            #expect(stale["status"] as? Int == 412)
            #expect(stale["code"] as? Int == 54103)
            #expect(update["before"] as? String == "0")
            let cas = try #require(emulator.document("cas"))
            #expect(cas.revision == "1", "the stale update changed nothing, the current one did")
            #expect(try Self.canonical(JSONBody.object(cas.data)) == #"{"by":"twilio-python","updated":true}"#)
            #expect(
                try Self.canonical(update["updated"]) == Self.canonical(Self.held(emulator.render(cas, baseURL: base))))
        }
    }

    /// Three Documents (one named with a TTL and varied JSON, one bare, `cas` for the update) and two Maps: one with
    /// five items (keys with a space and non-ASCII letters, one item with its own TTL), one empty.
    static func seed(_ emulator: SyncEmulator, baseURL: String) throws {
        let auth = "Basic " + Data("\(emulator.configuration.accountSID):\(token)".utf8).base64EncodedString()
        func post(_ path: String, _ form: [String: String]) throws {
            let response = emulator.handle(
                EmulatorRequest(
                    method: "POST", path: "/v1/Services/default\(path)", form: form, authorization: auth,
                    baseURL: baseURL))
            try #require(response.status == 201, "\(path): \(String(decoding: response.body, as: UTF8.self))")
        }
        let profile = #"{"name":"Ada","n":1.5,"ok":true,"tags":[1,"x",null],"nested":{"a":{}}}"#
        try post("/Documents", ["UniqueName": "profile", "Ttl": "3600", "Data": profile])
        try post("/Documents", [:])
        try post("/Documents", ["UniqueName": "cas", "Data": #"{"v":0}"#])
        try post("/Maps", ["UniqueName": "vehicles", "CollectionTtl": "600"])
        for (key, speed) in [("car 2", 20), ("car-1", 10), ("été", 30), ("car-3", 0), ("a", 5)] {
            var form = ["Key": key, "Data": #"{"speed":\#(speed),"moving":\#(speed > 0)}"#]
            if key == "a" { form["ItemTtl"] = "120" }
            try post("/Maps/vehicles/Items", form)
        }
        try post("/Maps", [:])
    }

    /// What the script prints of an object: the emulator's JSON without `links` (the SDK's instances keep them, the
    /// script does not print them).
    static func held(_ rendered: [String: Any]) -> [String: Any] {
        rendered.filter { $0.key != "links" }
    }

    /// JSON text with sorted keys, so values parsed on either side compare as JSON.
    static func canonical(_ value: Any?) throws -> String {
        let value = try #require(value)
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        let parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return String(
            decoding: try JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .fragmentsAllowed]),
            as: UTF8.self)
    }
}
