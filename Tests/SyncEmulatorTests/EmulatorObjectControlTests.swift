import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator object read-back and control")
struct EmulatorObjectControlTests {
    @Test func readsBackObjectsAndEveryAcceptedWrite() throws {
        let driver = EmulatorDriver()
        let documentSID = try #require(driver.createDocument("d", data: objectData(bytes: 2048)).string("sid"))
        driver.clock.advance(by: .milliseconds(250))
        driver.updateDocument("d", ttl: 60)
        driver.createMap("m")
        driver.createItem("m", "k", data: objectData(bytes: 3072))
        driver.updateItem("m", "k", data: "{}", ifMatch: "9")  // refused: not logged
        driver.send("DELETE", driver.itemPath("m", "k"))
        driver.send("DELETE", "/Documents/d")

        let documentLog = try #require(driver.emulator.writeLog(document: "d"), "kept after the deletion")
        #expect(documentLog.sid == documentSID)
        #expect(documentLog.kind == .document)
        #expect(documentLog.writes.map(\.operation) == [.create, .update, .delete])
        #expect(documentLog.writes.map(\.cost) == [2, 1, 1])
        #expect(documentLog.writes[1].at.timeIntervalSince(documentLog.writes[0].at) == 0.25)
        let mapLog = try #require(driver.emulator.writeLog(map: "m"))
        #expect(mapLog.writes.map(\.operation) == [.create, .create, .delete])
        #expect(mapLog.writes.map(\.itemKey) == [nil, "k", "k"])
        #expect(mapLog.writes.map(\.cost) == [1, 3, 1])
        #expect(driver.emulator.objectWriteCounts() == [documentSID: 3, mapLog.sid: 3])
        #expect(driver.emulator.writeLog(document: "m") == nil, "Documents and Maps are apart")

        let stats = driver.emulator.stats()
        #expect(stats.documents == 0 && stats.maps == 1 && stats.objectWrites == 6)
        #expect(stats.rejections == [54205: 1])
        driver.emulator.reset()
        #expect(driver.emulator.maps().isEmpty && driver.emulator.writeLogs().isEmpty)
    }

    @Test func keepsWriteLogsBounded() {
        let driver = EmulatorDriver(objectLimit: .unlimited) {
            $0.retainedWritesPerObject = 3
            $0.retainedObjectLogs = 4
        }
        driver.createDocument("busy")
        for index in 0..<10 { driver.updateDocument("busy", data: #"{"n":\#(index)}"#) }
        let busy = driver.emulator.writeLog(document: "busy")
        #expect(busy?.count == 11)
        #expect(busy?.writes.count == 3)
        for index in 0..<8 {
            driver.createDocument("gone\(index)")
            driver.send("DELETE", "/Documents/gone\(index)")
        }
        #expect(driver.emulator.writeLogs().count <= 4)
        #expect(driver.emulator.writeLog(document: "busy") != nil, "a live object's log stays")
    }

    @Test func faultsApplyToObjectRequestsUnlessTheyNameAStream() {
        let driver = EmulatorDriver()
        driver.emulator.injectFault(EmulatorFault(status: 503, code: 20503, count: 1, stream: "s"))
        #expect(driver.createDocument("d").status == 201)
        driver.emulator.clearFaults()
        driver.emulator.injectFault(EmulatorFault(status: 503, code: 20503, count: 1))
        #expect(driver.createMap("m").status == 503)
        #expect(driver.createMap("m").status == 201)
    }

    @Test func theLiveViewSummaryShowsRecentObjectsAndLatestItems() throws {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        driver.createDocument("d")
        driver.createMap("m")
        for index in 0..<7 {
            driver.clock.advance(by: .seconds(1))
            driver.createItem("m", "k\(index)")
        }
        let summary = ObjectSummary(emulator: driver.emulator).json()
        #expect(summary["document_count"] as? Int == 1)
        #expect(summary["map_count"] as? Int == 1)
        let map = try #require((summary["maps"] as? [[String: Any]])?.first)
        #expect(map["item_count"] as? Int == 7)
        let latest = try #require(map["latest_items"] as? [[String: Any]])
        #expect(latest.compactMap { $0["key"] as? String } == ["k6", "k5", "k4", "k3", "k2"])
        #expect(LiveFeedPage.html.contains("/_emulator/objects"))
    }
}
