import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayTestSupport
import SyncEmulator
import Testing

/// Snapshots end to end (issue 32): `sync-relay run` as a process, the mock cluster, and the emulator enforcing
/// Twilio's object limit strictly (20 writes of 1 KiB per second per Document and per Map, a Map's items counting
/// against it). Two routes: thousands of keys into one Document each (snapshot only), and forty keys into the items
/// of one Map beside their stream; each topic has a hot key updated far faster than 20/s. The relay is killed with
/// SIGKILL twice while it works through backlogs. In the end every entity holds its latest value, tombstoned ones are
/// gone, no object was refused (54009) and no object took more than Twilio's 20 units in any second.
///
/// `SYNC_RELAY_SNAPSHOT_KEYS` changes the number of Document keys.
@Suite("Snapshots", .timeLimit(.minutes(15)))
struct SnapshotSuiteTests {
    static let logger = Logger(label: "snapshot-suite") { _ in SwiftLogNoOpLogHandler() }
    static let documentsTopic = "fleet-docs"
    static let mapTopic = "fleet-map"
    static let map = "fleet"
    static let mapKeys = 40
    /// Updates of the hot key per round: far more than 20 per second, all in one backlog.
    static let hotUpdates = 400

    @Test func aHotKeyAndThousandsOfKeysThroughSIGKILLsEndWithEveryLatestValue() async throws {
        let documentKeys = ProcessInfo.processInfo.environment["SYNC_RELAY_SNAPSHOT_KEYS"].flatMap(Int.init) ?? 2000
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic(Self.documentsTopic, partitions: 4)
        try cluster.createTopic(Self.mapTopic, partitions: 4)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        var settings = SyncEmulatorConfiguration(rateLimit: .strict(), maxStreams: 1_000_000)
        settings.objectWriteLimit = .strict()
        settings.retainedWritesPerObject = 100_000
        let emulator = SyncEmulator(configuration: settings)
        try await SyncEmulatorServer(emulator: emulator).withRunning { running in
            let config = try RelayProcessRig.configFile(
                cluster: cluster, emulator: running, topics: [Self.documentsTopic, Self.mapTopic],
                groupId: "snapshot-suite", sessionTimeoutMs: 6000,
                twilio: #", "maxConnections": 64, "maxConcurrentRequests": 64"#,
                routes: """
                    [{"topic": "\(Self.documentsTopic)", "snapshot": {"kind": "document", "name": "doc-{key}", \
                    "ttl": "1h", "stream": false}},
                     {"topic": "\(Self.mapTopic)", "stream": "fleet-live", "format": {"key": true}, \
                    "snapshot": {"kind": "map", "name": "\(Self.map)", "key": "{key}", "ttl": "1h"}}]
                    """)
            let documentNames = (0..<documentKeys).map { "d\($0)" } + ["hot"]
            let mapNames = (0..<Self.mapKeys).map { "m\($0)" } + ["hot"]

            // Round 0 as a backlog, a SIGKILL a third of the way through it.
            try await Self.produce(producer, round: 0, documents: documentNames, items: mapNames)
            var relay = try await RelayProcessRig.startRelayAndWait(config: config, "relay")
            await eventually("round 0 a third written", timeout: .seconds(300)) {
                Self.documentValues(emulator).count >= documentNames.count / 3
            }
            kill(relay.process.processIdentifier, SIGKILL)
            _ = await relay.exit()

            // Round 1 while the next life catches up, and another SIGKILL.
            relay = try await RelayProcessRig.startRelayAndWait(config: config, "relay after the first SIGKILL")
            try await Self.produce(producer, round: 1, documents: documentNames, items: mapNames)
            await eventually("round 1 under way", timeout: .seconds(300)) {
                Self.documentValues(emulator).values.filter { $0 >= 1 }.count >= documentNames.count / 4
            }
            kill(relay.process.processIdentifier, SIGKILL)
            _ = await relay.exit()

            // Round 2, the last, then tombstones for ten Documents and two items.
            relay = try await RelayProcessRig.startRelayAndWait(config: config, "relay after the second SIGKILL")
            try await Self.produce(producer, round: 2, documents: documentNames, items: mapNames)
            let gone = Set(documentNames.prefix(10))
            let goneItems = Set(mapNames.prefix(2))
            try await producer.send(
                gone.map { KafkaProducer.OutgoingRecord(topic: Self.documentsTopic, key: Array($0.utf8), value: nil) }
                    + goneItems.map {
                        KafkaProducer.OutgoingRecord(topic: Self.mapTopic, key: Array($0.utf8), value: nil)
                    })
            let latest = Self.latest(round: 2)
            let expectedDocuments = Dictionary(
                uniqueKeysWithValues: documentNames.filter { !gone.contains($0) }.map { ($0, $0 == "hot" ? latest : 2) }
            )
            let expectedItems = Dictionary(
                uniqueKeysWithValues: mapNames.filter { !goneItems.contains($0) }.map { ($0, $0 == "hot" ? latest : 2) }
            )
            await eventually("every entity holds its latest value", timeout: .seconds(300)) {
                Self.documentValues(emulator) == expectedDocuments && Self.itemValues(emulator) == expectedItems
            }
            kill(relay.process.processIdentifier, SIGTERM)
            let output = await relay.exit()
            #expect(output.status == 0, "\(output.all.suffix(1500))")

            #expect(Self.documentValues(emulator) == expectedDocuments)
            #expect(Self.itemValues(emulator) == expectedItems)
            let stats = emulator.stats()
            #expect(stats.rejections[54009] == nil, "no object over its rate: \(stats.rejections)")
            #expect(stats.rejections[20429] == nil, "\(stats.rejections)")
            let logs = emulator.writeLogs().values
            let largest = logs.map { $0.largestCost(inAnyWindowOf: 1.0) }.max() ?? 0
            #expect(largest <= 20, "no object took more than Twilio's 20 units in any second (\(largest))")
            let mapLog = try #require(emulator.writeLog(map: Self.map))
            let hotLog = try #require(emulator.writeLog(document: "doc-hot"))
            let produced = 3 * (documentNames.count + Self.hotUpdates - 1) + gone.count
            let documentWrites = logs.filter { $0.kind == .document }.reduce(0) { $0 + $1.count }
            print(
                "snapshot suite: \(documentNames.count) Documents and \(mapNames.count) Map items, hot keys "
                    + "\(3 * Self.hotUpdates) updates each, 2 SIGKILLs; Document writes \(documentWrites) for "
                    + "\(produced) records, the hot Document \(hotLog.count), the Map \(mapLog.count) "
                    + "(largest second \(mapLog.largestCost(inAnyWindowOf: 1.0)) units); largest second of any object "
                    + "\(largest) units; rejections \(stats.rejections)")
            #expect(hotLog.count < Self.hotUpdates, "the hot key's values conflated")
        }
        await producer.close()
    }

    /// The hot key's last value of `round`.
    static func latest(round: Int) -> Int { round * 10_000 + hotUpdates - 1 }

    /// One round: `{"n": round}` for every key, and `hotUpdates` values for the hot key (`round * 10,000 + i`).
    static func produce(_ producer: KafkaProducer, round: Int, documents: [String], items: [String]) async throws {
        func records(_ topic: String, _ keys: [String]) -> [KafkaProducer.OutgoingRecord] {
            keys.filter { $0 != "hot" }.map {
                KafkaProducer.OutgoingRecord(topic: topic, key: Array($0.utf8), value: Array("{\"n\":\(round)}".utf8))
            }
                + (0..<hotUpdates).map {
                    KafkaProducer.OutgoingRecord(
                        topic: topic, key: Array("hot".utf8), value: Array("{\"n\":\(round * 10_000 + $0)}".utf8))
                }
        }
        try await producer.send(records(documentsTopic, documents) + records(mapTopic, items))
    }

    /// The `n` each Document holds, by key (the name without `doc-`).
    static func documentValues(_ emulator: SyncEmulator) -> [String: Int] {
        var values: [String: Int] = [:]
        for document in emulator.documents() {
            guard let name = document.uniqueName, name.hasPrefix("doc-"), let n = value(document.data) else { continue }
            values[String(name.dropFirst(4))] = n
        }
        return values
    }

    /// The `n` each item of the Map holds, by key.
    static func itemValues(_ emulator: SyncEmulator) -> [String: Int] {
        var values: [String: Int] = [:]
        for item in emulator.mapItems(map) { values[item.key] = value(item.data) }
        return values
    }

    /// The `j.n` of a snapshot's `Data`.
    static func value(_ data: String) -> Int? {
        let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
        return (object?["j"] as? [String: Any])?["n"] as? Int
    }
}
