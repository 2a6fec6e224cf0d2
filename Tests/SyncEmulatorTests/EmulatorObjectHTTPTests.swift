import Foundation
import RelaySync
import Testing

@testable import SyncEmulator

/// Documents and Map Items over a real loopback server: the `ETag` header, `If-Match`, encoded keys, and the
/// control API's read-back.
@Suite("Emulator objects over loopback HTTP", .timeLimit(.minutes(1)))
struct EmulatorObjectHTTPTests {
    static let form = [
        (name: "Authorization", value: EmulatorServerTests.auth),
        (name: "Content-Type", value: "application/x-www-form-urlencoded"),
    ]

    func json(_ response: HTTPClientResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func withServer(_ body: @Sendable (String, CurlHTTPClient, SyncEmulator) async throws -> Void) async throws {
        let emulator = SyncEmulator()
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning(emulator) { running in
            try await body(running.baseURL + "/v1/Services/default", http, emulator)
        }
        await http.shutdown()
    }

    @Test func aDocumentsETagIsItsRevisionAndIfMatchGuardsAnUpdate() async throws {
        try await withServer { api, http, emulator in
            let created = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Documents", headers: Self.form,
                    body: Array("UniqueName=profile&Data=%7B%22n%22%3A1%7D".utf8)))
            #expect(created.status == 201)
            #expect(created.header("etag") == "0")
            #expect(json(created)["revision"] as? String == "0")
            let fetched = try await http.execute(
                HTTPClientRequest(url: api + "/Documents/profile", headers: Array(Self.form.prefix(1))))
            #expect(fetched.header("ETag") == "0")
            let stale = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Documents/profile", headers: Self.form + [("If-Match", "9")],
                    body: Array("Data=%7B%22n%22%3A2%7D".utf8)))
            #expect(stale.status == 412)
            #expect(json(stale)["code"] as? Int == 54103)
            #expect(stale.header("etag") == nil)
            let updated = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Documents/profile", headers: Self.form + [("If-Match", "0")],
                    body: Array("Data=%7B%22n%22%3A2%7D".utf8)))
            #expect(updated.status == 200)
            #expect(updated.header("etag") == "1")
            #expect(emulator.document("profile")?.data == #"{"n":2}"#)
        }
    }

    @Test func mapItemKeysArePercentDecodedAndIfMatchGuardsADelete() async throws {
        try await withServer { api, http, emulator in
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Maps", headers: Self.form, body: Array("UniqueName=m".utf8)))
            let created = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Maps/m/Items", headers: Self.form,
                    body: Array("Key=a%2Fb+c%C3%A9&Data=%7B%7D".utf8)))
            #expect(created.status == 201)
            #expect(json(created)["key"] as? String == "a/b cé")
            #expect(created.header("etag") == "0")
            let item = api + "/Maps/m/Items/a%2Fb%20c%C3%A9"
            let fetched = try await http.execute(HTTPClientRequest(url: item, headers: Array(Self.form.prefix(1))))
            #expect(fetched.status == 200)
            #expect(fetched.header("etag") == "0")
            let stale = try await http.execute(
                HTTPClientRequest(method: .delete, url: item, headers: Self.form + [("If-Match", "1")]))
            #expect(stale.status == 412)
            #expect(json(stale)["code"] as? Int == 54205)
            let deleted = try await http.execute(
                HTTPClientRequest(method: .delete, url: item, headers: Self.form + [("If-Match", "0")]))
            #expect(deleted.status == 204)
            #expect(emulator.mapItems("m").isEmpty)
        }
    }

    @Test func theControlAPIReadsObjectsAndWriteLogsBack() async throws {
        try await withServer { api, http, emulator in
            let base = String(api.dropLast("/v1/Services/default".count))
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Maps", headers: Self.form, body: Array("UniqueName=m".utf8)))
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: api + "/Maps/m/Items", headers: Self.form,
                    body: Array("Key=k&Data=%7B%22v%22%3A1%7D".utf8)))
            let map = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/maps/m")))
            #expect(map["item_count"] as? Int == 1)
            let items = try #require(map["items"] as? [[String: Any]])
            #expect(items.first?["key"] as? String == "k")
            #expect((items.first?["data"] as? [String: Any])?["v"] as? Int == 1)
            let writes = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/maps/m/writes")))
            #expect(writes["write_count"] as? Int == 2)
            let log = try #require(writes["writes"] as? [[String: Any]])
            #expect(log.map { $0["operation"] as? String } == ["create", "create"])
            #expect(log.last?["key"] as? String == "k")
            #expect(log.last?["cost"] as? Double == 1)
            let counts = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/objects/writes")))
            let sid = try #require(emulator.map("m")?.sid)
            #expect((counts["writes"] as? [String: Int]) == [sid: 2])
            let stats = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/stats")))
            #expect(stats["maps"] as? Int == 1)
            #expect(stats["object_writes"] as? Int == 2)
            let missing = try await http.execute(HTTPClientRequest(url: base + "/_emulator/documents/none"))
            #expect(missing.status == 404)
        }
    }
}
