import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator map rules")
struct EmulatorMapRulesTests {
    @Test func createsAMapInTwilioShape() throws {
        let driver = EmulatorDriver()
        let reply = driver.createMap("vehicles", form: ["CollectionTtl": "60"])
        #expect(reply.status == 201)
        let sid = try #require(reply.string("sid"))
        #expect(sid.hasPrefix("MP") && SIDGenerator.looksLikeSID(sid))
        #expect(reply.string("revision") == "0")
        #expect(reply.eTag == "0")
        #expect(reply.string("date_expires") == "2026-01-01T00:01:00Z")
        let url = "http://127.0.0.1:1/v1/Services/\(driver.service)/Maps/\(sid)"
        #expect(reply.string("url") == url)
        let links = try #require(reply["links"] as? [String: String])
        #expect(links == ["items": url + "/Items", "permissions": url + "/Permissions"])
    }

    @Test func collectionTTLWinsOverItsAliasAndBothAreChecked() {
        let driver = EmulatorDriver()
        let both = driver.createMap("both", form: ["Ttl": "10", "CollectionTtl": "20"])
        #expect(both.string("date_expires") == "2026-01-01T00:00:20Z")
        #expect(driver.createMap("alias", form: ["Ttl": "30"]).string("date_expires") == "2026-01-01T00:00:30Z")
        #expect(driver.createMap("bad", form: ["Ttl": "x", "CollectionTtl": "20"]).code == 54011)
        #expect(driver.createMap("bad", form: ["CollectionTtl": "31536001"]).code == 54011)
        let updated = driver.send("POST", "/Maps/both", form: ["Ttl": "5", "CollectionTtl": "0"])
        #expect(updated.status == 200)
        #expect(updated["date_expires"] is NSNull)
        #expect(updated.eTag == "1")
    }

    @Test func fetchesUpdatesAndDeletesWithItsItems() throws {
        let driver = EmulatorDriver()
        let sid = try #require(driver.createMap("m").string("sid"))
        driver.createItem("m", "a")
        driver.createItem(sid, "b")
        #expect(driver.send("GET", "/Maps/m").string("sid") == sid)
        #expect(driver.send("POST", "/Maps/m", form: [:]).code == 20001, "an update that sets nothing")
        #expect(driver.send("DELETE", "/Maps/m").status == 204)
        #expect(driver.send("GET", "/Maps/\(sid)").code == 54200)
        #expect(driver.emulator.mapItems(sid).isEmpty)
        // A new Map of the same name starts empty.
        driver.createMap("m")
        #expect((driver.send("GET", "/Maps/m/Items")["items"] as? [Any])?.isEmpty == true)
    }

    @Test func answersUnknownMapsWith54200() {
        let driver = EmulatorDriver()
        for reply in [
            driver.send("GET", "/Maps/none"), driver.send("POST", "/Maps/none", form: ["Ttl": "1"]),
            driver.send("DELETE", "/Maps/none"), driver.createItem("none", "k"), driver.send("GET", "/Maps/none/Items"),
            driver.send("GET", "/Maps/none/Items/k"),
        ] {
            #expect(reply.status == 404)
            #expect(reply.code == 54200)
        }
    }

    @Test func refusesATakenUniqueName() {
        let driver = EmulatorDriver()
        driver.createMap("taken")
        let reply = driver.createMap("taken")
        #expect(reply.status == 409)
        #expect(reply.code == 54301)
    }

    @Test func expiringRemovesTheMapAndItsItems() {
        let driver = EmulatorDriver()
        driver.createMap("short", form: ["Ttl": "10"])
        driver.createItem("short", "a")
        driver.createItem("short", "b", form: ["ItemTtl": "100"])
        driver.clock.advance(by: .seconds(10))
        #expect(driver.send("GET", "/Maps/short").code == 54200)
        #expect(driver.emulator.map("short") == nil)
        driver.createMap("short")
        #expect(driver.emulator.mapItems("short").isEmpty, "the old items went with their Map")
    }
}
