import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator document rules")
struct EmulatorDocumentRulesTests {
    @Test func createsADocumentInTwilioShape() throws {
        let driver = EmulatorDriver()
        let reply = driver.createDocument("profile", data: #"{"name":"Ada","tags":[1,2],"ok":true}"#, ttl: 3600)
        #expect(reply.status == 201)
        let sid = try #require(reply.string("sid"))
        #expect(sid.hasPrefix("ET") && sid.count == 34 && SIDGenerator.looksLikeSID(sid))
        #expect(reply.string("unique_name") == "profile")
        #expect(reply.string("revision") == "0")
        #expect(reply.eTag == "0")
        #expect(reply.string("created_by") == "system")
        #expect(reply.string("date_created") == "2026-01-01T00:00:00Z")
        #expect(reply.string("date_expires") == "2026-01-01T01:00:00Z")
        let url = "http://127.0.0.1:1/v1/Services/\(driver.service)/Documents/\(sid)"
        #expect(reply.string("url") == url)
        #expect((reply["links"] as? [String: String])?["permissions"] == url + "/Permissions")
        let data = try #require(reply["data"] as? [String: Any])
        #expect(data["name"] as? String == "Ada")
        #expect(data["ok"] as? Bool == true)
    }

    @Test func createsWithoutNameOrDataAsAnEmptyObjectThatNeverExpires() throws {
        let driver = EmulatorDriver()
        let reply = driver.createDocument(data: nil)
        #expect(reply.status == 201)
        #expect(reply["unique_name"] is NSNull)
        #expect(reply["date_expires"] is NSNull)
        #expect((reply["data"] as? [String: Any])?.isEmpty == true)
    }

    @Test func fetchesUpdatesAndDeletesBySIDOrUniqueName() throws {
        let driver = EmulatorDriver()
        let sid = try #require(driver.createDocument("doc").string("sid"))
        let fetched = driver.send("GET", "/Documents/doc")
        #expect(fetched.status == 200)
        #expect(fetched.string("sid") == sid)
        #expect(fetched.eTag == "0")
        driver.clock.advance(by: .seconds(2))
        let updated = driver.updateDocument(sid, data: #"{"n":2}"#)
        #expect(updated.status == 200)
        #expect(updated.string("revision") == "1")
        #expect(updated.eTag == "1")
        #expect(updated.string("date_updated") == "2026-01-01T00:00:02Z")
        #expect(updated.string("date_created") == "2026-01-01T00:00:00Z")
        #expect((updated["data"] as? [String: Any])?["n"] as? Int == 2)
        #expect(driver.emulator.document("doc")?.data == #"{"n":2}"#)
        #expect(driver.send("DELETE", "/Documents/doc").status == 204)
        #expect(driver.send("GET", "/Documents/\(sid)").code == 54100)
        #expect(driver.send("DELETE", "/Documents/doc").code == 54100)
        // The name is free again.
        #expect(driver.createDocument("doc").status == 201)
    }

    @Test func answersUnknownDocumentsWith54100() {
        let driver = EmulatorDriver()
        for reply in [
            driver.send("GET", "/Documents/none"), driver.updateDocument("none", data: "{}"),
            driver.send("DELETE", "/Documents/none"),
        ] {
            #expect(reply.status == 404)
            #expect(reply.code == 54100)
        }
    }

    @Test func refusesATakenUniqueNameButNotOneAMapUses() {
        let driver = EmulatorDriver()
        #expect(driver.createDocument("same").status == 201)
        let second = driver.createDocument("same")
        #expect(second.status == 409)
        #expect(second.code == 54301)
        #expect(driver.createMap("same").status == 201)
        #expect(driver.createDocument("").code == 54302)
        #expect(driver.createDocument("ET" + String(repeating: "0", count: 32)).code == 54302)
        #expect(driver.createDocument(String(repeating: "n", count: 321)).code == 54302)
        #expect(driver.emulator.documents().count == 1)
    }

    @Test func updatesOnlyWhenIfMatchIsTheCurrentRevision() {
        let driver = EmulatorDriver()
        driver.createDocument("cas")
        let stale = driver.updateDocument("cas", data: #"{"n":9}"#, ifMatch: "7")
        #expect(stale.status == 412)
        #expect(stale.code == 54103)
        #expect(driver.emulator.document("cas")?.revision == "0", "a refused write changes nothing")
        let current = driver.updateDocument("cas", data: #"{"n":9}"#, ifMatch: "0")
        #expect(current.status == 200)
        #expect(current.eTag == "1")
        #expect(driver.updateDocument("cas", data: "{}", ifMatch: "0").code == 54103)
        #expect(driver.updateDocument("cas", data: "{}", ifMatch: #""1""#).status == 200, "a quoted entity tag")
    }

    @Test func limitsDataTo16KiBOfJSONObject() {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        let exactly = objectData(bytes: 16_384)
        #expect(driver.createDocument("big", data: exactly).status == 201)
        let over = driver.createDocument("over", data: objectData(bytes: 16_385))
        #expect(over.status == 400)
        #expect(over.code == 54006)
        #expect(driver.updateDocument("big", data: objectData(bytes: 16_385)).code == 54006)
        #expect(driver.updateDocument("big", data: objectData(bytes: 16_384)).status == 200)
        #expect(driver.createDocument("list", data: "[1]").code == 54008)
        #expect(driver.updateDocument("big", data: "{broken").code == 54008)
        #expect(driver.updateDocument("big", data: "\"text\"").code == 54008)
    }

    @Test func refusesAnUpdateThatSetsNothing() {
        let driver = EmulatorDriver()
        driver.createDocument("d")
        let reply = driver.updateDocument("d")
        #expect(reply.status == 400)
        #expect(reply.code == 20001)
    }

    @Test func expiresByTheInjectedClockAndAnUpdateRefreshesTheTTL() {
        let driver = EmulatorDriver()
        driver.createDocument("brief", ttl: 10)
        driver.clock.advance(by: .seconds(8))
        let refreshed = driver.updateDocument("brief", ttl: 10)
        #expect(refreshed.string("date_expires") == "2026-01-01T00:00:18Z")
        driver.clock.advance(by: .seconds(9))
        #expect(driver.send("GET", "/Documents/brief").status == 200)
        #expect(driver.updateDocument("brief", data: "{}").status == 200, "writing data keeps the TTL")
        driver.clock.advance(by: .seconds(1))
        #expect(driver.send("GET", "/Documents/brief").code == 54100)
        #expect(driver.emulator.document("brief") == nil)
        #expect(driver.createDocument("brief").status == 201)
        #expect(driver.updateDocument("brief", ttl: 0)["date_expires"] is NSNull)
        #expect(driver.createDocument("bad", ttl: 31_536_001).code == 54011)
        #expect(driver.updateDocument("brief", ttl: -1).code == 54011)
    }
}
