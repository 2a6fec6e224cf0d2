import Foundation
import Prometheus
import RelayCore
import RelayRuntime
import SyncEmulator
import Testing

@Suite("End to end: overflow policies and metrics", .timeLimit(.minutes(2)))
struct OverflowEndToEndTests {
    /// 500 records of ~330 bytes, one per 512-byte message, into a lane of 20 records: far more than the stream
    /// can take while they arrive.
    static let produced = 500

    func run(policy: String, _ check: @Sendable (RelayHarness, CountingObserver) throws -> Void) async throws {
        try await RelayHarness.with(topics: [("flood", 1)]) { harness in
            try await harness.produce("flood", count: Self.produced, padding: 300, partition: 0)
            let observer = CountingObserver()
            let configuration = try harness.configuration(
                topics: ["flood"], group: "overflow-\(policy)",
                defaults: [
                    JSONMember("maxMessageBytes", 512),
                    JSONMember(
                        "overflow", .object([JSONMember("policy", .string(policy)), JSONMember("maxRecords", 20)])),
                ])
            try await harness.runRelay(configuration, observer: observer) { application in
                await eventually("every record was published or dropped", timeout: .seconds(60)) {
                    let counts = observer.counts.withLock { $0 }
                    return counts.published + counts.dropped.values.reduce(0, +) == Self.produced
                        && application.pipeline.isIdle
                }
            }
            try check(harness, observer)
        }
    }

    @Test func dropOldestKeepsTheFreshestAndCountsTheRest() async throws {
        try await run(policy: "drop-oldest") { harness, observer in
            let delivered = harness.deliveredNumbers("flood")
            let counts = observer.counts.withLock { $0 }
            #expect(counts.dropped.keys.sorted() == ["overflow-oldest"])
            #expect(delivered.count == counts.published)
            #expect(delivered.count + counts.dropped["overflow-oldest", default: 0] == Self.produced)
            #expect(delivered.count < Self.produced / 2, "the lane of 20 should have overflowed")
            #expect(delivered.last == Self.produced - 1, "the freshest record is kept")
            #expect(delivered == delivered.sorted())
        }
    }

    @Test func dropNewestKeepsWhatIsQueuedAndCountsTheRest() async throws {
        try await run(policy: "drop-newest") { harness, observer in
            let delivered = harness.deliveredNumbers("flood")
            let counts = observer.counts.withLock { $0 }
            #expect(counts.dropped.keys.sorted() == ["overflow-newest"])
            #expect(delivered.count + counts.dropped["overflow-newest", default: 0] == Self.produced)
            #expect(delivered.count < Self.produced / 2)
            #expect(Array(delivered.prefix(20)) == Array(0..<20), "what was queued first is kept")
        }
    }

    @Test func blockLosesNothing() async throws {
        // 500 messages at 30/s would take 17 s; 150 are enough to go through many pause/resume cycles of a lane of 20.
        try await RelayHarness.with(topics: [("steady", 1)]) { harness in
            try await harness.produce("steady", count: 150, padding: 300, partition: 0)
            let observer = CountingObserver()
            let configuration = try harness.configuration(
                topics: ["steady"],
                defaults: [
                    JSONMember("maxMessageBytes", 512),
                    JSONMember("overflow", .object([JSONMember("policy", "block"), JSONMember("maxRecords", 20)])),
                ])
            try await harness.runRelay(configuration, observer: observer) { _ in
                await eventually("every record arrived", timeout: .seconds(60)) {
                    harness.deliveredNumbers("steady").count >= 150
                }
            }
            #expect(harness.deliveredNumbers("steady") == Array(0..<150))
            #expect(observer.counts.withLock { $0.dropped.isEmpty })
        }
    }

    @Test func metricsParseAndAgreeWithWhatTheEmulatorAccepted() async throws {
        try await RelayHarness.with(topics: [("orders", 2)]) { harness in
            try await harness.produce("orders", count: 400, padding: 50)
            let (metrics, registry) = RelayMetrics.scraped()
            let configuration = try harness.configuration(topics: ["orders"])
            try await harness.runRelay(configuration, observer: metrics) { application in
                await eventually("every order arrived") { harness.deliveredNumbers("orders").count >= 400 }
                await eventually("idle") { application.pipeline.isIdle }
            }
            let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
            let exposition = try PrometheusText(text)
            let accepted = harness.emulator.emulator.messages(stream: "orders")
            #expect(exposition.value("sync_relay_records_published_total", ["stream": "orders"]) == 400)
            #expect(
                exposition.value("sync_relay_messages_published_total", ["stream": "orders"]) == Double(accepted.count))
            #expect(
                exposition.value("sync_relay_published_bytes_total", ["stream": "orders"])
                    == Double(accepted.map(\.data.utf8.count).reduce(0, +)))
            #expect(exposition.value("sync_relay_records_consumed_total", ["topic": "orders"]) == 400)
            #expect(exposition.value("sync_relay_streams_created_total") == 1)
            // Every send records its pacer wait (retries too); 400 records at once fill several messages, and all
            // but the first wait for their turn at 30/s.
            #expect((exposition.value("sync_relay_pacer_wait_seconds_count") ?? 0) >= Double(accepted.count))
            #expect(accepted.count > 1)
            #expect((exposition.value("sync_relay_pacer_waited_seconds_total", ["stream": "orders"]) ?? 0) > 0.02)
        }
    }
}
