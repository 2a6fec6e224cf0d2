import Foundation
import RelayCore
import RelaySync
import SyncEmulator
import Testing

@Suite("Snapshot writer against the emulator", .timeLimit(.minutes(1)))
struct SyncSnapshotWriterTests {
    @Test func createsUpdatesAndReadsADocument() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let order = SnapshotTarget.document("order-1")
            #expect(await writer.write(order, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            // The emulator stored exactly the bytes sent.
            #expect(loopback.emulator.document("order-1")?.data == SnapshotSample.json)
            #expect(await writer.write(order, .create(data: SnapshotSample.data)) == .exists)

            let newer = SnapshotSample.data(offset: 42)
            #expect(await writer.write(order, .update(data: newer, ifMatch: "0")) == .stored(revision: "1"))
            #expect(await writer.write(order, .update(data: newer, ifMatch: "0")) == .changed)
            var version = SnapshotSample.version
            version.offset = 42
            #expect(await writer.write(order, .read) == .current(revision: "1", version: version))
        }
    }

    @Test func readsDataWithoutAVersion() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let plain = Array(#"{"x":1,"p":3}"#.utf8)
            #expect(await writer.write(.document("plain"), .create(data: plain)) == .stored(revision: "0"))
            #expect(await writer.write(.document("plain"), .read) == .current(revision: "0", version: nil))
            #expect(await writer.write(.map("m"), .createMap) == .stored(revision: "0"))
            #expect(await writer.write(.item("k", in: "m"), .create(data: plain)) == .stored(revision: "0"))
            #expect(await writer.write(.item("k", in: "m"), .read) == .current(revision: "0", version: nil))
        }
    }

    @Test func answersAMissingDocument() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let gone = SnapshotTarget.document("gone")
            #expect(await writer.write(gone, .update(data: SnapshotSample.data, ifMatch: "0")) == .missing)
            #expect(await writer.write(gone, .read) == .missing)
            #expect(await writer.write(gone, .delete(ifMatch: "")) == .deleted)

            #expect(await writer.write(gone, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            // A Document's delete takes no If-Match: a stale revision does not stop it.
            #expect(await writer.write(gone, .delete(ifMatch: "7")) == .deleted)
            #expect(loopback.emulator.document("gone") == nil)
            #expect(await writer.write(gone, .read) == .missing)
        }
    }

    @Test func createsAMissingMapThenItsItems() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let item = SnapshotTarget.item("vehicle-7", in: "fleet")
            #expect(await writer.write(item, .create(data: SnapshotSample.data)) == .mapMissing)
            #expect(await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "0")) == .mapMissing)
            #expect(await writer.write(item, .read) == .mapMissing)
            // A Map gone takes its items with it.
            #expect(await writer.write(item, .delete(ifMatch: "0")) == .deleted)

            #expect(await writer.write(.map("fleet"), .createMap) == .stored(revision: "0"))
            #expect(await writer.write(.map("fleet"), .createMap) == .exists)
            #expect(loopback.emulator.map("fleet")?.dateExpires == nil)
            #expect(await writer.write(item, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            #expect(await writer.write(item, .create(data: SnapshotSample.data)) == .exists)
        }
    }

    @Test func updatesReadsAndDeletesAMapItem() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let item = SnapshotTarget.item("vehicle-7", in: "fleet")
            #expect(await writer.write(.map("fleet"), .createMap) == .stored(revision: "0"))
            #expect(await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "0")) == .missing)
            #expect(await writer.write(item, .read) == .missing)
            #expect(await writer.write(item, .create(data: SnapshotSample.data(offset: 40))) == .stored(revision: "0"))

            #expect(
                await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "0")) == .stored(revision: "1"))
            #expect(await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "0")) == .changed)
            #expect(await writer.write(item, .read) == .current(revision: "1", version: SnapshotSample.version))
            #expect(loopback.emulator.mapItems("fleet").map(\.data) == [SnapshotSample.json])

            #expect(await writer.write(item, .delete(ifMatch: "0")) == .changed)
            #expect(loopback.emulator.mapItems("fleet").count == 1)
            #expect(await writer.write(item, .delete(ifMatch: "1")) == .deleted)
            #expect(loopback.emulator.mapItems("fleet").isEmpty)
            #expect(await writer.write(item, .delete(ifMatch: "1")) == .deleted)
        }
    }

    @Test func addressesKeysAndNamesWithReservedCharacters() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let map = "fleet/eu west?x=1&y=50%+ü"
            let key = "a/b%2Fc d+ü☃?#&=..%"
            let item = SnapshotTarget.item(key, in: map)
            #expect(await writer.write(.map(map), .createMap) == .stored(revision: "0"))
            #expect(await writer.write(item, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            #expect(loopback.emulator.mapItems(map).map(\.key) == [key])
            #expect(
                await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "0")) == .stored(revision: "1"))
            #expect(await writer.write(item, .read) == .current(revision: "1", version: SnapshotSample.version))
            #expect(await writer.write(item, .delete(ifMatch: "1")) == .deleted)
            #expect(loopback.emulator.mapItems(map).isEmpty)

            let document = SnapshotTarget.document("order/1 50%+ü")
            #expect(await writer.write(document, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            #expect(loopback.emulator.documents().map(\.uniqueName) == ["order/1 50%+ü"])
            #expect(await writer.write(document, .read) == .current(revision: "0", version: SnapshotSample.version))
        }
    }

    @Test func setsTheTTLsItIsGiven() async throws {
        try await LoopbackEmulator.with(manualClock: true) { loopback in
            let writer = loopback.snapshotWriter()
            let now = try #require(loopback.clock).now()
            let document = SnapshotTarget.document("order-1")
            let stored = SnapshotAnswer.stored(revision: "0")
            #expect(await writer.write(document, .create(data: SnapshotSample.data), ttl: .seconds(600)) == stored)
            #expect(loopback.emulator.document("order-1")?.dateExpires == now.addingTimeInterval(600))
            #expect(await writer.write(.document("forever"), .create(data: SnapshotSample.data)) == stored)
            #expect(loopback.emulator.document("forever")?.dateExpires == .some(nil))

            let item = SnapshotTarget.item("k", in: "m")
            #expect(await writer.write(.map("m"), .createMap) == stored)
            #expect(await writer.write(item, .create(data: SnapshotSample.data), ttl: .seconds(60)) == stored)
            #expect(loopback.emulator.mapItems("m").map(\.dateExpires) == [now.addingTimeInterval(60)])
            let update = SnapshotOperation.update(data: SnapshotSample.data, ifMatch: "0")
            #expect(await writer.write(item, update, ttl: .seconds(90)) == .stored(revision: "1"))
            #expect(loopback.emulator.mapItems("m").map(\.dateExpires) == [now.addingTimeInterval(90)])
            // An update with TTL zero clears the expiry (the port's zero: never expires).
            #expect(
                await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "1")) == .stored(revision: "2"))
            #expect(loopback.emulator.mapItems("m").map(\.dateExpires) == [nil])
            #expect(loopback.emulator.map("m")?.dateExpires == .some(nil))
            #expect(await writer.write(document, update) == .stored(revision: "1"))
            #expect(loopback.emulator.document("order-1")?.dateExpires == .some(nil))
            // An item's own TTL: it expires alone, its Map stays.
            #expect(await writer.write(item, update, ttl: .seconds(30)) == .changed)
            #expect(
                await writer.write(item, .update(data: SnapshotSample.data, ifMatch: "2"), ttl: .seconds(30))
                    == .stored(revision: "3"))
            loopback.clock?.advance(by: .seconds(31))
            #expect(await writer.write(item, .read) == .missing)
        }
    }
}
