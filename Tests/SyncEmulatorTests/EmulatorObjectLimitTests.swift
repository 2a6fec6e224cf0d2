import Foundation
import Testing

@testable import SyncEmulator

/// The object write budgets through the API: Documents, Maps and their items, at instants of the manual clock.
@Suite("Emulator object write limits")
struct EmulatorObjectLimitTests {
    @Test func strictRefusesThe21stSmallWriteOfADocumentInOneSecond() throws {
        let driver = EmulatorDriver()
        #expect(driver.createDocument("d").status == 201, "a creation is the first write")
        for index in 1..<20 { #expect(driver.updateDocument("d", data: #"{"n":\#(index)}"#).status == 200) }
        let refused = driver.updateDocument("d", data: #"{"n":99}"#)
        #expect(refused.status == 429)
        #expect(refused.code == 54009)
        let document = try #require(driver.emulator.document("d"))
        #expect(document.data == #"{"n":19}"#, "a refused write changes nothing")
        #expect(document.revision == String(19, radix: 16))
        #expect(driver.send("DELETE", "/Documents/d").code == 54009, "a delete is a write")
        #expect(driver.send("GET", "/Documents/d").status == 200, "reads are not limited")
        #expect(driver.emulator.stats().rejections[54009] == 2)
        driver.clock.advance(by: .seconds(1))
        #expect(driver.updateDocument("d", data: #"{"n":20}"#).status == 200)
        #expect(driver.emulator.writeLog(document: "d")?.count == 21)
    }

    @Test func aWriteOf10KiBCostsTenSoTwoFitASecond() {
        let driver = EmulatorDriver()
        let tenKiB = objectData(bytes: 10_240)
        #expect(driver.createDocument("big", data: tenKiB).status == 201)
        #expect(driver.updateDocument("big", data: tenKiB).status == 200)
        #expect(driver.updateDocument("big", ttl: 60).code == 54009, "not even a write of cost 1")
        driver.clock.advance(by: .seconds(1))
        #expect(driver.updateDocument("big", data: tenKiB).status == 200)
        #expect(driver.updateDocument("big", data: objectData(bytes: 10_241)).code == 54009)
        #expect(driver.emulator.writeLog(document: "big")?.writes.map(\.cost) == [10, 10, 10])
    }

    @Test func everyItemWriteCountsAgainstItsWholeMap() {
        let driver = EmulatorDriver()
        driver.createMap("m")
        driver.createMap("other")
        driver.createDocument("d")
        for index in 1..<19 { #expect(driver.createItem("m", "k\(index)").status == 201) }
        #expect(driver.updateItem("m", "k1", data: #"{"v":2}"#).status == 200)
        // 1 creation + 18 item creations + 1 item update: the Map spent its 20.
        #expect(driver.createItem("m", "k19").code == 54009)
        #expect(driver.updateItem("m", "k2", data: "{}").code == 54009)
        #expect(driver.send("DELETE", driver.itemPath("m", "k3")).code == 54009)
        #expect(driver.send("POST", "/Maps/m", form: ["Ttl": "60"]).code == 54009)
        #expect(driver.send("DELETE", "/Maps/m").code == 54009)
        #expect(driver.emulator.mapItems("m").count == 18)
        #expect(driver.createItem("other", "k").status == 201, "another Map has its own budget")
        #expect(driver.updateDocument("d", data: "{}").status == 200)
        driver.clock.advance(by: .seconds(1))
        #expect(driver.send("DELETE", driver.itemPath("m", "k3")).status == 204)
        #expect(driver.emulator.writeLog(map: "m")?.writes.compactMap(\.itemKey).last == "k3")
    }

    @Test func windowedAllowsABurstAndRefusesPast200UnitsIn10Seconds() {
        let driver = EmulatorDriver(objectLimit: .windowed())
        driver.createMap("burst")
        for index in 1..<200 { #expect(driver.createItem("burst", "k\(index)").status == 201) }
        #expect(driver.createItem("burst", "k200").code == 54009)
        driver.clock.advance(by: .milliseconds(9_999))
        #expect(driver.createItem("burst", "k200").code == 54009)
        driver.clock.advance(by: .milliseconds(1))
        #expect(driver.createItem("burst", "k200").status == 201)
        #expect(driver.emulator.writeLog(map: "burst")?.largestCost(inAnyWindowOf: 10) == 200)
    }

    @Test func unlimitedAcceptsEverything() {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        driver.createDocument("d")
        for _ in 0..<500 { #expect(driver.updateDocument("d", data: objectData(bytes: 16_384)).status == 200) }
        #expect(driver.emulator.stats().rejections.isEmpty)
    }

    @Test func creationsShareTheServiceWideCreationRateWithStreams() {
        let driver = EmulatorDriver { $0.createsPerSecond = 2 }
        #expect(driver.create("stream").status == 201)
        #expect(driver.createDocument("d").status == 201)
        let refused = driver.createMap("m")
        #expect(refused.status == 429)
        #expect(refused.code == 20429)
        #expect(refused.retryAfter == 1)
        #expect(driver.emulator.maps().isEmpty)
        #expect(driver.createItem("m", "k").code == 54200)
        driver.clock.advance(by: .seconds(1))
        #expect(driver.createMap("m").status == 201)
        #expect(driver.createItem("m", "k").status == 201, "items are writes of their Map, not creations")
        #expect(driver.createItem("m", "j").status == 201)
    }

    @Test func aCreationPastTheObjectsBudgetIsRefused() {
        let driver = EmulatorDriver(objectLimit: .strict(unitsPerSecond: 4))
        let refused = driver.createDocument("big", data: objectData(bytes: 5 * 1024))
        #expect(refused.code == 54009)
        #expect(driver.emulator.documents().isEmpty)
        #expect(driver.createDocument("big", data: objectData(bytes: 4 * 1024)).status == 201)
    }
}
