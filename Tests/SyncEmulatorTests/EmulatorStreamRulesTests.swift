import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator stream rules")
struct EmulatorStreamRulesTests {
    @Test func createsAStreamInTwilioShape() throws {
        let driver = EmulatorDriver()
        let reply = driver.create("orders", ttl: 3600)
        #expect(reply.status == 201)
        let sid = try #require(reply.string("sid"))
        #expect(sid.hasPrefix("TO") && sid.count == 34)
        #expect(reply.string("unique_name") == "orders")
        #expect(reply.string("account_sid") == SyncEmulatorConfiguration.defaultAccountSID)
        #expect(reply.string("service_sid") == SyncEmulatorConfiguration.defaultServiceSID)
        #expect(reply.string("created_by") == "system")
        #expect(reply.string("date_created") == "2026-01-01T00:00:00Z")
        #expect(reply.string("date_expires") == "2026-01-01T01:00:00Z")
        #expect(reply.string("url") == "http://127.0.0.1:1/v1/Services/\(driver.service)/Streams/\(sid)")
        let links = try #require(reply["links"] as? [String: String])
        #expect(links["messages"] == "http://127.0.0.1:1/v1/Services/\(driver.service)/Streams/\(sid)/Messages")
    }

    @Test func requiresValidBasicAuth() {
        var driver = EmulatorDriver()
        driver.authorization =
            "Basic " + Data("\(SyncEmulatorConfiguration.defaultAccountSID):wrong".utf8).base64EncodedString()
        let reply = driver.create("x")
        #expect(reply.status == 401)
        #expect(reply.code == 20003)
        driver.authorization = nil
        #expect(driver.create("x").status == 401)
    }

    @Test func rejectsBadUniqueNames() {
        let driver = EmulatorDriver()
        #expect(driver.create("").code == 54302)
        #expect(driver.create(String(repeating: "a", count: 321)).code == 54302)
        #expect(driver.create("TO" + String(repeating: "a", count: 32)).code == 54302)
        #expect(driver.create("ZZ" + String(repeating: "0", count: 32)).status == 400)
        #expect(driver.create(String(repeating: "a", count: 320)).status == 201)
    }

    @Test func rejectsDuplicateUniqueNames() {
        let driver = EmulatorDriver()
        #expect(driver.create("dup").status == 201)
        let second = driver.create("dup")
        #expect(second.status == 409)
        #expect(second.code == 54301)
    }

    @Test func enforcesTheTTLRange() {
        let driver = EmulatorDriver()
        #expect(driver.create("a", ttl: -1).code == 54011)
        #expect(driver.create("b", ttl: 31_536_001).code == 54011)
        #expect(driver.send("POST", "/Streams", form: ["Ttl": "soon"]).code == 54011)
        #expect(driver.create("c", ttl: 31_536_000).status == 201)
        let forever = driver.create("d", ttl: 0)
        #expect(forever.status == 201)
        #expect(forever["date_expires"] is NSNull)
    }

    @Test func expiresStreamsByTheInjectedClock() {
        let driver = EmulatorDriver()
        #expect(driver.create("brief", ttl: 10).status == 201)
        driver.clock.advance(by: .seconds(9))
        #expect(driver.send("GET", "/Streams/brief").status == 200)
        #expect(driver.publish("brief").status == 201)
        driver.clock.advance(by: .seconds(1))
        let gone = driver.send("GET", "/Streams/brief")
        #expect(gone.status == 404)
        #expect(gone.code == 20404)
        #expect(driver.publish("brief").status == 404)
        // The name is free again once the stream has expired.
        #expect(driver.create("brief").status == 201)
    }

    @Test func updateRefreshesTheTTLFromNow() {
        let driver = EmulatorDriver()
        driver.create("refresh", ttl: 10)
        driver.clock.advance(by: .seconds(8))
        let updated = driver.send("POST", "/Streams/refresh", form: ["Ttl": "10"])
        #expect(updated.status == 200)
        #expect(updated.string("date_expires") == "2026-01-01T00:00:18Z")
        #expect(updated.string("date_updated") == "2026-01-01T00:00:08Z")
        driver.clock.advance(by: .seconds(9))
        #expect(driver.send("GET", "/Streams/refresh").status == 200)
        #expect(driver.send("POST", "/Streams/refresh", form: ["Ttl": "-5"]).code == 54011)
    }

    @Test func publishingDoesNotExtendTheTTL() {
        let driver = EmulatorDriver()
        driver.create("ttl", ttl: 5)
        for _ in 0..<4 {
            driver.clock.advance(by: .seconds(1))
            #expect(driver.publish("ttl").status == 201)
        }
        driver.clock.advance(by: .seconds(1))
        #expect(driver.publish("ttl").status == 404)
    }

    @Test func addressesStreamsBySIDOrUniqueName() throws {
        let driver = EmulatorDriver()
        let sid = try #require(driver.create("named").string("sid"))
        #expect(driver.send("GET", "/Streams/\(sid)").string("unique_name") == "named")
        #expect(driver.send("GET", "/Streams/named").string("sid") == sid)
        #expect(driver.send("DELETE", "/Streams/named").status == 204)
        #expect(driver.send("GET", "/Streams/\(sid)").status == 404)
        #expect(driver.send("DELETE", "/Streams/named").status == 404)
    }

    @Test func answersUnknownStreamsAndServicesWith404() {
        let driver = EmulatorDriver()
        #expect(driver.send("GET", "/Streams/missing").code == 20404)
        #expect(driver.publish("missing").code == 20404)
        let request = EmulatorRequest(
            method: "GET", path: "/v1/Services/IS" + String(repeating: "1", count: 32) + "/Streams",
            authorization: driver.authorization, baseURL: driver.base)
        #expect(driver.emulator.handle(request).status == 404)
    }

    @Test func pagesStreamsWithMetaURLsFromItsBaseURL() throws {
        let driver = EmulatorDriver()
        for index in 0..<5 { driver.create("s\(index)") }
        let first = driver.send("GET", "/Streams", query: ["PageSize": "2"])
        let meta = try #require(first["meta"] as? [String: Any])
        #expect((first["streams"] as? [Any])?.count == 2)
        #expect(meta["page"] as? Int == 0)
        #expect(meta["page_size"] as? Int == 2)
        #expect(meta["key"] as? String == "streams")
        #expect(meta["previous_page_url"] is NSNull)
        let next = try #require(meta["next_page_url"] as? String)
        #expect(next.hasPrefix("http://127.0.0.1:1/v1/Services/\(driver.service)/Streams?PageSize=2&Page=1"))
        let last = driver.send("GET", "/Streams", query: ["PageSize": "2", "Page": "2"])
        let lastMeta = try #require(last["meta"] as? [String: Any])
        #expect((last["streams"] as? [[String: Any]])?.first?["unique_name"] as? String == "s4")
        #expect(lastMeta["next_page_url"] is NSNull)
        #expect(lastMeta["previous_page_url"] is String)
    }

    @Test func enforcesPageSizeBounds() {
        let driver = EmulatorDriver()
        #expect(driver.send("GET", "/Streams", query: ["PageSize": "0"]).status == 400)
        #expect(driver.send("GET", "/Streams", query: ["PageSize": "101"]).status == 400)
        #expect(driver.send("GET", "/Streams", query: ["PageSize": "100"]).status == 200)
        let defaults = driver.send("GET", "/Streams")
        #expect((defaults["meta"] as? [String: Any])?["page_size"] as? Int == 50)
    }
}
