import Foundation
import RelayCore
import RelayKafka
import RelayRuntime
import RelayTestSupport
import SyncEmulator
import Testing

/// Schema Registry records end to end: produced by Confluent's official serializers (Python confluent-kafka) against
/// the registry emulator, consumed from the mock cluster by `RelayApplication`, published to the Sync emulator. The
/// registry is down when the relay starts: records wait (nothing delivered, nothing committed), readiness names the
/// registry after `unreadyAfter`, and once it answers everything arrives decoded, in order, none lost.
@Suite("Schema Registry end to end", .timeLimit(.minutes(3)))
struct SchemaRegistryEndToEndTests {
    @Test func decodedRecordsArriveInOrderAndAnOutageHoldsThemWithoutLoss() async throws {
        let registry = RegistryEmulator()
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let cases = try await OfficialSerializers.produce(registryURL: url)
            try await RelayHarness.with(topics: [("registry", 1), ("registry.dlq", 1)]) { harness in
                var configuration = try harness.configuration(
                    topics: ["registry"], defaults: [JSONMember("format", .object([JSONMember("offset", true)]))],
                    deadLetterTopic: "registry.dlq")
                configuration.schemaRegistry = SchemaRegistryConfiguration(
                    url: url, timeout: .seconds(2), unreadyAfter: .seconds(1))
                registry.setFault(.unavailable)
                var records = cases.map {
                    KafkaProducer.OutgoingRecord(topic: "registry", partition: 0, key: nil, value: $0.bytes)
                }
                // A schema id the registry never had: dead-lettered with its reason; then a plain JSON record.
                records.insert(
                    KafkaProducer.OutgoingRecord(
                        topic: "registry", partition: 0, key: nil, value: [0, 0, 0, 3, 231, 1, 2, 3]),
                    at: 3)
                records.append(
                    KafkaProducer.OutgoingRecord(
                        topic: "registry", partition: 0, key: nil, value: Array(#"{"plain":true}"#.utf8)))
                try await harness.producer.send(records)

                let health = HealthState()
                let observer = CountingObserver()
                try await harness.runRelay(configuration, health: health, observer: observer) { application in
                    await eventually("the registry outage shows in readiness", timeout: .seconds(20)) {
                        health.snapshot.problems[.schemaRegistry] != nil
                    }
                    #expect(health.snapshot.problems[.schemaRegistry]?.contains("Schema Registry") == true)
                    #expect(harness.emulator.emulator.messages(stream: "registry").isEmpty, "records wait")
                    #expect((observer.counts.withLock { $0.schemaFetches["unavailable"] } ?? 0) >= 1)

                    registry.setFault(.none)
                    await eventually("every decodable record arrives", timeout: .seconds(60)) {
                        Self.values(harness.emulator.emulator.messages(stream: "registry").map(\.data)).count
                            == cases.count + 1
                    }
                    await eventually("the relay is ready again", timeout: .seconds(20)) {
                        health.snapshot.problems[.schemaRegistry] == nil
                    }
                    await eventually("the unknown schema id is dead-lettered", timeout: .seconds(20)) {
                        observer.counts.withLock { $0.undecodable["unknown-schema"] } == 1
                    }
                    let delivered = Self.values(harness.emulator.emulator.messages(stream: "registry").map(\.data))
                    for (index, serialized) in cases.enumerated() {
                        #expect(
                            OfficialSerializers.sameJSON(delivered[index], serialized.expected),
                            "\(serialized.name): \(delivered[index].text())")
                    }
                    let plain = try JSONParser.parse(#"{"plain":true}"#)
                    #expect(delivered.last == plain)
                    let ids = Set(cases.map { ConfluentFrame($0.bytes)!.schemaId })
                    #expect(
                        observer.counts.withLock { $0.schemaFetches["found"] } == ids.count,
                        "each schema id fetched once, however many records need it")
                    #expect(observer.counts.withLock { $0.schemaFetches["not-found"] } == 1)
                    await eventually("every offset is committed", timeout: .seconds(20)) {
                        application.pipeline.isIdle
                    }
                }
            }
        }
    }

    /// The `j` of every record entry, in sequence order.
    static func values(_ messages: [String]) -> [JSONValue] {
        func sequence(_ message: JSONValue) -> Int {
            if case .number(let text)? = message["q"] { Int(text) ?? 0 } else { 0 }
        }
        let parsed = messages.compactMap { try? JSONParser.parse($0) }.sorted { sequence($0) < sequence($1) }
        return parsed.flatMap { message -> [JSONValue] in
            guard case .array(let entries)? = message["r"] else { return [] }
            return entries.compactMap { $0["j"] }
        }
    }
}
