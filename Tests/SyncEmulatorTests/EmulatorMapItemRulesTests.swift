import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator map item rules")
struct EmulatorMapItemRulesTests {
    @Test func createsFetchesUpdatesAndDeletesAnItem() throws {
        let driver = EmulatorDriver()
        let mapSID = try #require(driver.createMap("m").string("sid"))
        let created = driver.createItem("m", "car 7/x", data: #"{"speed":40}"#)
        #expect(created.status == 201)
        #expect(created.string("key") == "car 7/x")
        #expect(created.string("map_sid") == mapSID)
        #expect(created.string("revision") == "0")
        #expect(created.eTag == "0")
        #expect(
            created.string("url") == "http://127.0.0.1:1/v1/Services/\(driver.service)/Maps/\(mapSID)/Items/car%207%2Fx"
        )
        #expect(created["date_expires"] is NSNull)
        // The key is percent-decoded from the path.
        let fetched = driver.send("GET", driver.itemPath("m", "car 7/x"))
        #expect(fetched.status == 200)
        #expect((fetched["data"] as? [String: Any])?["speed"] as? Int == 40)
        driver.clock.advance(by: .seconds(1))
        let updated = driver.updateItem(mapSID, "car 7/x", data: #"{"speed":50}"#)
        #expect(updated.status == 200)
        #expect(updated.eTag == "1")
        #expect(updated.string("date_updated") == "2026-01-01T00:00:01Z")
        #expect(driver.emulator.mapItems("m").map(\.data) == [#"{"speed":50}"#])
        #expect(driver.send("DELETE", driver.itemPath("m", "car 7/x")).status == 204)
        let gone = driver.send("GET", driver.itemPath("m", "car 7/x"))
        #expect(gone.status == 404)
        #expect(gone.code == 54201)
        #expect(driver.updateItem("m", "car 7/x", data: "{}").code == 54201)
        #expect(driver.send("DELETE", driver.itemPath("m", "car 7/x")).code == 54201)
    }

    @Test func refusesAnExistingKeyWith409() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        driver.createItem("m", "k")
        let again = driver.createItem("m", "k", data: #"{"v":2}"#)
        #expect(again.status == 409)
        #expect(again.code == 54208)
        #expect(driver.emulator.mapItems("m").map(\.data) == [#"{"v":1}"#])
    }

    @Test func keysAreOneTo320Characters() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        #expect(driver.createItem("m", String(repeating: "k", count: 320)).status == 201)
        let long = driver.createItem("m", String(repeating: "k", count: 321))
        #expect(long.status == 400)
        #expect(long.code == 54209)
        #expect(driver.createItem("m", "").code == 54209)
        #expect(driver.send("POST", "/Maps/m/Items", form: ["Data": "{}"]).code == 54209)
    }

    @Test func dataIsRequiredAndLimitedTo16KiBOfJSONObject() {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        driver.createMap("m")
        let missing = driver.send("POST", "/Maps/m/Items", form: ["Key": "k"])
        #expect(missing.status == 400)
        #expect(missing.code == 54206)
        #expect(driver.createItem("m", "k", data: objectData(bytes: 16_384)).status == 201)
        #expect(driver.createItem("m", "j", data: objectData(bytes: 16_385)).code == 54006)
        #expect(driver.updateItem("m", "k", data: objectData(bytes: 16_385)).code == 54006)
        #expect(driver.createItem("m", "j", data: "[]").code == 54008)
        #expect(driver.updateItem("m", "k", data: "nope").code == 54008)
    }

    @Test func updatesAndDeletesOnlyWhenIfMatchIsTheCurrentRevision() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        driver.createItem("m", "k")
        let stale = driver.updateItem("m", "k", data: #"{"v":2}"#, ifMatch: "5")
        #expect(stale.status == 412)
        #expect(stale.code == 54205)
        #expect(driver.updateItem("m", "k", data: #"{"v":2}"#, ifMatch: "0").eTag == "1")
        let staleDelete = driver.send("DELETE", driver.itemPath("m", "k"), ifMatch: "0")
        #expect(staleDelete.status == 412)
        #expect(staleDelete.code == 54205)
        #expect(driver.emulator.mapItems("m").count == 1)
        #expect(driver.send("DELETE", driver.itemPath("m", "k"), ifMatch: "1").status == 204)
    }

    @Test func anItemExpiresAloneOnItsOwnTTL() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        let brief = driver.createItem("m", "brief", form: ["ItemTtl": "5", "Ttl": "50"])
        #expect(brief.string("date_expires") == "2026-01-01T00:00:05Z", "ItemTtl wins over its alias")
        #expect(driver.createItem("m", "alias", form: ["Ttl": "50"]).string("date_expires") == "2026-01-01T00:00:50Z")
        driver.createItem("m", "stays")
        driver.clock.advance(by: .seconds(5))
        #expect(driver.send("GET", driver.itemPath("m", "brief")).code == 54201)
        #expect(driver.emulator.mapItems("m").map(\.key) == ["alias", "stays"])
        #expect(driver.send("GET", "/Maps/m").status == 200)
        #expect(driver.createItem("m", "brief").status == 201, "the key is free again")
        let refreshed = driver.updateItem("m", "stays", form: ["ItemTtl": "3"])
        #expect(refreshed.string("date_expires") == "2026-01-01T00:00:08Z")
        #expect(driver.createItem("m", "bad", form: ["ItemTtl": "-1"]).code == 54011)
    }

    @Test func collectionTTLOnAnItemWriteSetsTheMapsTTL() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        let created = driver.createItem("m", "a", form: ["CollectionTtl": "30"])
        #expect(created["date_expires"] is NSNull, "the item itself does not expire")
        let map = driver.send("GET", "/Maps/m")
        #expect(map.string("date_expires") == "2026-01-01T00:00:30Z")
        #expect(map.string("revision") == "1")
        driver.clock.advance(by: .seconds(10))
        #expect(driver.updateItem("m", "a", data: "{}", form: ["CollectionTtl": "30"]).status == 200)
        #expect(driver.send("GET", "/Maps/m").string("date_expires") == "2026-01-01T00:00:40Z")
        // Only with a change of the item's data or TTL, as the spec says.
        let alone = driver.updateItem("m", "a", form: ["CollectionTtl": "60"])
        #expect(alone.status == 400)
        #expect(alone.code == 20001)
        driver.clock.advance(by: .seconds(30))
        #expect(driver.send("GET", "/Maps/m").code == 54200)
        #expect(driver.emulator.mapItems("m").isEmpty)
    }
}
