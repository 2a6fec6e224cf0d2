import Foundation
import Logging
import Prometheus
import RelayCore
import RelayTestSupport
import Synchronization
import Testing

@testable import RelayRuntime

/// The driver alone (`RelayPipeline` on its `SerialLoop`) with fake ports: no Kafka, no HTTP. Events come from
/// several threads at once, as librdkafka's poll thread, libcurl's loop and the timer bring them.
@Suite("Driver with fake ports", .timeLimit(.minutes(1)))
struct DriverTests {
    /// Twilio's readiness as `HealthState` reported it.
    final class TwilioReadinessLog: Sendable {
        private let state = Mutex<[String?]>([])
        func append(_ problem: String?) { state.withLock { $0.append(problem) } }
        var values: [String?] { state.withLock { $0 } }
    }

    static let topic = "orders"

    final class Rig: Sendable {
        let pipeline: RelayPipeline
        let publisher: FakePublisher
        let snapshots = FakeSnapshotWriter()
        let control = FakePartitionControl()
        let committer = FakeCommitter()
        let timer: FakeWakeTimer
        let health: HealthState
        /// Twilio's not-ready reason after every readiness change (nil: ready).
        let readiness: TwilioReadinessLog

        init(
            defaults: [JSONMember] = [], twilio: [JSONMember] = [], registry: Bool = false,
            publisher: FakePublisher = FakePublisher(), schemas: FakeSchemaSource? = nil,
            routes: [JSONValue] = [], observer: any RelayObserver = NoRelayObserver(), wallClock: WallClock = .system
        ) throws {
            let clock = MonotonicClock()
            let log = TwilioReadinessLog()
            health = HealthState { snapshot in log.append(snapshot.problems[.twilio]) }
            readiness = log
            self.publisher = publisher
            timer = FakeWakeTimer(clock: clock)
            var document: [JSONMember] = [
                JSONMember(
                    "kafka",
                    .object([
                        JSONMember("brokers", .array(["127.0.0.1:9"])),
                        JSONMember("topics", .array([.string(DriverTests.topic)])),
                    ])),
                JSONMember(
                    "twilio",
                    .object(
                        [
                            JSONMember("accountSid", "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"),
                            JSONMember("authToken", "token"),
                            JSONMember("serviceSid", "IS0123456789abcdef0123456789abcdef"),
                        ] + twilio)),
                JSONMember("defaults", .object(defaults)),
                JSONMember("routes", .array(routes)),
            ]
            if registry {
                document.append(
                    JSONMember(
                        "schemaRegistry",
                        .object([JSONMember("url", "http://127.0.0.1:9"), JSONMember("unreadyAfter", "1s")])))
            }
            let configuration = try ConfigurationLoader(environment: [:]).load(
                bytes: Array(JSONValue.object(document).text(indent: 2).utf8), source: "driver-test.json",
                directory: nil)
            pipeline = RelayPipeline(
                configuration: configuration,
                ports: .init(
                    publisher: publisher, deadLetters: nil, timer: timer, schemas: schemas, snapshots: snapshots),
                observer: observer, health: health, logger: Logger(label: "driver-test"), clock: clock,
                wallClock: wallClock)
            pipeline.attach(partitionControl: control, committer: committer)
        }

        func assign(_ partitions: [TopicPartition]) {
            pipeline.partitionsAssigned(
                partitions,
                assignment: PartitionAssignment(
                    partitions: Set(partitions), partitionCounts: [DriverTests.topic: partitions.count]))
        }

        /// What the consumer would commit now: its commit interval passes (`commitDue`, which returns once the
        /// engine's `.commit` was handed over), and the latest offsets handed over are read.
        func committable() -> [TopicPartition: Int64] {
            pipeline.commitDue()
            return committer.latest
        }

        /// The offsets of every record sent so far to partition `partition`'s stream, in the order sent.
        func published(_ partition: Int32) -> [Int64] {
            publisher.published.filter { $0.stream == "\(DriverTests.topic)-\(partition)" }.flatMap { request in
                guard case .array(let entries)? = try? JSONParser.parse(request.data)["r"] else { return [Int64]() }
                return entries.compactMap { entry in
                    if case .number(let offset)? = entry["o"] { Int64(offset) } else { nil }
                }
            }
        }
    }

    static func records(_ offsets: Range<Int64>, partition: Int32 = 0, value: [UInt8]? = nil) -> [SourceRecord] {
        offsets.map {
            SourceRecord(
                topic: topic, partition: partition, offset: $0, key: nil, value: value ?? Array("{\"n\":\($0)}".utf8))
        }
    }

    static let perPartition: [JSONMember] = [
        JSONMember("stream", "{topic}-{partition}"),
        JSONMember("format", .object([JSONMember("offset", true)])),
    ]

    @Test func snapshotWritesGoThroughTheirPortAndTheirRecordsAreDoneWhenBothPartsAre() async throws {
        let route = JSONValue.object([
            JSONMember("topic", .string(Self.topic)), JSONMember("stream", "{topic}"),
            JSONMember(
                "snapshot",
                .object([JSONMember("kind", "map"), JSONMember("name", "vehicles"), JSONMember("key", "{key}")])),
        ])
        let (metrics, registry) = RelayMetrics.scraped()
        // Every record was produced 2 s before the wall clock's fixed now.
        let rig = try Rig(routes: [route], observer: metrics, wallClock: WallClock { 1_700_000_002_000 })
        let p0 = TopicPartition(topic: Self.topic, partition: 0)
        rig.assign([p0])
        let keyed = (0..<20).map {
            SourceRecord(
                topic: Self.topic, partition: 0, offset: Int64($0), timestamp: 1_700_000_000_000,
                key: Array("k\($0 % 4)".utf8), value: Array("{\"n\":\($0)}".utf8))
        }
        rig.pipeline.handle(records: keyed)
        await eventually("every offset is done") { rig.committable() == [p0: 20] }
        let stored = rig.snapshots.stored
        #expect(Set(stored.keys) == ["k0", "k1", "k2", "k3"])
        for key in 0..<4 {
            // The newest value of each key is what the Map holds.
            let value = try JSONParser.parse(try #require(stored["k\(key)"]))
            #expect(value["o"] == .number(String(16 + key)))
        }
        #expect(rig.snapshots.requests.first?.operation == .createMap)
        #expect(rig.pipeline.isIdle)
        // Each value written is one record accepted by Twilio: its age is in the snapshot target's histogram.
        let text = try PrometheusText(registry.emitToString())
        let written = try #require(
            text.value("sync_relay_snapshot_changes_total", ["route": "vehicles", "result": "written"]))
        let ages = ["route": "vehicles", "target": "snapshot"]
        #expect(written >= 4 && text.value("sync_relay_record_age_seconds_count", ages) == written)
        #expect(text.value("sync_relay_record_age_seconds_bucket", ages.merging(["le": "1.0"]) { $1 }) == 0)
        #expect(text.value("sync_relay_record_age_seconds_bucket", ages.merging(["le": "2.5"]) { $1 }) == written)
    }

    /// Freshness on a fixed wall clock: the oldest waiting record's age while Twilio holds the message, then each
    /// record's age at acceptance, by route and target.
    @Test func freshnessIsMeasuredFromKafkaTimestampsOnTheWallClock() async throws {
        let wall = Atomic<Int64>(1_700_000_100_000)
        let (metrics, registry) = RelayMetrics.scraped()
        let holdPublishes = FakePublisher { request in if case .publish = request { nil } else { .accepted } }
        let rig = try Rig(
            defaults: Self.perPartition, publisher: holdPublishes, observer: metrics,
            wallClock: WallClock { wall.load(ordering: .relaxed) })
        let p0 = TopicPartition(topic: Self.topic, partition: 0)
        let p1 = TopicPartition(topic: Self.topic, partition: 1)
        rig.assign([p0, p1])
        // Produced 5 s, 3 s and 0.5 s ago; partition 1 gets nothing.
        let records = zip(0..<3, [1_700_000_095_000, 1_700_000_097_000, 1_700_000_099_500] as [Int64]).map {
            SourceRecord(
                topic: Self.topic, partition: 0, offset: Int64($0), timestamp: $1, value: Array("{\"n\":\($0)}".utf8))
        }
        rig.pipeline.handle(records: records)
        await eventually("the message is on the wire") { holdPublishes.heldCount == 1 }
        let statistics = ConsumerStatistics(
            partitions: [p0: .init(consumerLag: 0), p1: .init(consumerLag: 0)], brokerStates: [1: "UP"])
        func scrape() throws -> PrometheusText { try PrometheusText(registry.emitToString()) }
        rig.pipeline.statisticsUpdated(statistics)
        var text = try scrape()
        #expect(text.value("sync_relay_consumer_lag_seconds", ["topic": "orders", "partition": "0"]) == 5)
        #expect(text.value("sync_relay_consumer_lag_seconds", ["topic": "orders", "partition": "1"]) == 0)
        wall.store(1_700_000_102_500, ordering: .relaxed)
        rig.pipeline.statisticsUpdated(statistics)
        text = try scrape()
        #expect(
            text.value("sync_relay_consumer_lag_seconds", ["partition": "0"]) == 7.5,
            "a stuck record's age grows with the wall clock")
        holdPublishes.answerHeld(.accepted)
        await eventually("every offset is done") { rig.committable() == [p0: 3] }
        rig.pipeline.statisticsUpdated(statistics)
        text = try scrape()
        #expect(text.value("sync_relay_consumer_lag_seconds", ["partition": "0"]) == 0, "nothing waits")
        let route = ["route": "orders-0", "target": "stream"]
        func bucket(_ le: String) -> Double? {
            text.value("sync_relay_record_age_seconds_bucket", route.merging(["le": le]) { $1 })
        }
        // Ages at acceptance: 7.5 s, 5.5 s and 3 s.
        #expect(text.value("sync_relay_record_age_seconds_count", route) == 3)
        #expect(bucket("2.5") == 0 && bucket("5.0") == 1 && bucket("10.0") == 3)
        #expect(text.value("sync_relay_record_age_seconds_sum", route) == 16)
        rig.pipeline.partitionsRevoking(
            [p1], lost: false, deadline: .now + .seconds(5),
            remaining: PartitionAssignment(
                partitions: [p0], partitionCounts: [Self.topic: 2]))
        // librdkafka's statistics may no longer list a revoked partition: its series goes all the same.
        rig.pipeline.statisticsUpdated(
            ConsumerStatistics(partitions: [p0: .init(consumerLag: 0)], brokerStates: [1: "UP"]))
        #expect(
            try scrape().samples(named: "sync_relay_consumer_lag_seconds").map { $0.labels["partition"] } == ["0"],
            "a partition this relay no longer owns has no series")
    }

    @Test func eventsFromManyThreadsAreHandledOneAtATimeInOrder() async throws {
        let rig = try Rig(defaults: Self.perPartition + [JSONMember("maxRecordsPerMessage", 3)])
        let partitions = (0..<4).map { TopicPartition(topic: Self.topic, partition: $0) }
        rig.assign(partitions)
        // Four feeders at once, each its own partition, in batches; the fake answers from threads of its own.
        await withTaskGroup(of: Void.self) { group in
            for partition in partitions {
                group.addTask {
                    for batch in 0..<20 {
                        let start = Int64(batch * 10)
                        rig.pipeline.handle(records: Self.records(start..<(start + 10), partition: partition.partition))
                    }
                }
            }
        }
        await eventually("every record was published") { (0..<4).allSatisfy { rig.published($0).count == 200 } }
        for partition in 0..<Int32(4) {
            #expect(rig.published(partition) == Array(0..<200), "partition \(partition): once each, in order")
        }
        await eventually("every offset is done") {
            rig.committable() == Dictionary(uniqueKeysWithValues: partitions.map { ($0, 200) })
        }
        #expect(rig.pipeline.isIdle)
    }

    /// A rig whose first message (records 0..<5 of partition 0) is on the wire: the fake publisher holds publishes
    /// while `holding` says so (always, by default).
    static func rigWithAMessageOnTheWire(holding: @escaping @Sendable () -> Bool = { true }) async throws -> Rig {
        let publisher = FakePublisher { request in
            if case .publish = request, holding() { return nil }
            return .accepted
        }
        let rig = try Rig(defaults: perPartition, publisher: publisher)
        rig.assign([TopicPartition(topic: topic, partition: 0)])
        rig.pipeline.handle(records: records(0..<5))
        await eventually("the message is on the wire") { rig.publisher.heldCount == 1 }
        return rig
    }

    @Test func aRevokeWaitsForItsPublishesInFlightThenHandsItsFinalOffsetsToTheCommitter() async throws {
        let hold = Atomic<Bool>(true)
        let rig = try await Self.rigWithAMessageOnTheWire { hold.load(ordering: .relaxed) }
        let p0 = TopicPartition(topic: Self.topic, partition: 0)
        let revoked = Reply<Bool>()
        Thread.detachNewThread {
            rig.pipeline.partitionsRevoking(
                [p0], lost: false, deadline: .now + .seconds(30), remaining: PartitionAssignment())
            revoked.fulfil(true)
        }
        await eventually("the revoke is under way") { rig.pipeline.loop.sync { $0.revoke != nil } }
        #expect(!revoked.isFulfilled, "the revoke waits while its stream has a message in flight")
        #expect(rig.committer.handedOver.isEmpty)
        hold.store(false, ordering: .relaxed)
        rig.publisher.answerHeld(.accepted)
        _ = await revoked.value()
        #expect(
            rig.committer.handedOver == [[p0: 5]],
            "the final offset was handed to the committer, once the message was accepted, before the revoke returned")
    }

    @Test func aRevokeWhoseDeadlinePassesEndsAsItStands() async throws {
        let rig = try await Self.rigWithAMessageOnTheWire()
        let p0 = TopicPartition(topic: Self.topic, partition: 0)
        rig.pipeline.partitionsRevoking(
            [p0], lost: false, deadline: .now + .milliseconds(200), remaining: PartitionAssignment())
        #expect(rig.committer.latest.isEmpty, "nothing was done, so nothing is committed")
        rig.publisher.answerHeld(.serverError(status: 500, twilioCode: nil))
        await eventually("the revoked records are withdrawn from the retry") { rig.pipeline.isIdle }
        #expect(rig.publisher.published.count == 1, "nothing of the revoked partition is sent again")
    }

    @Test func aStopWaitsForPublishesInFlightUntilItsDeadline() async throws {
        let rig = try await Self.rigWithAMessageOnTheWire()
        #expect(await rig.pipeline.drain(deadline: .now + .milliseconds(200)) == false, "its deadline passed")
        #expect(rig.control.paused == [TopicPartition(topic: Self.topic, partition: 0)], "intake stopped")
        rig.pipeline.handle(records: Self.records(5..<8))  // still arriving: held, not sent
        Thread.detachNewThread { rig.publisher.answerHeld(.accepted) }
        #expect(await rig.pipeline.drain(deadline: .now + .seconds(30)), "drained once the message was accepted")
        #expect(rig.publisher.published.count == 1)
    }

    @Test func aTwilioOutageHoldsTheRecordsAndTheyGoWhenItEnds() async throws {
        let outageEnds = ContinuousClock.now + .milliseconds(2500)
        let publisher = FakePublisher { request in
            guard case .publish = request else { return .accepted }
            return ContinuousClock.now < outageEnds ? .transportError(reason: "refused") : .accepted
        }
        let rig = try Rig(
            defaults: Self.perPartition + [
                JSONMember(
                    "retry", .object([JSONMember("initialBackoff", "100ms"), JSONMember("maxBackoff", "200ms")]))
            ], twilio: [JSONMember("unavailableAfter", "1s")], publisher: publisher)
        rig.assign([TopicPartition(topic: Self.topic, partition: 0)])
        rig.pipeline.handle(records: Self.records(0..<10))
        await eventually("the records went once Twilio answered") {
            rig.committable().values.first == 10
        }
        let sent = rig.publisher.published
        #expect(sent.count >= 4, "the message was sent again and again during the outage")
        #expect(Set(sent.map(\.sequence)).count == 1, "the same message, not a new one per attempt")
        #expect(rig.published(0).suffix(10) == Array(0..<10))
        let readiness = rig.readiness.values
        #expect(readiness.contains { $0?.contains("every request to Twilio failed") == true }, "\(readiness)")
        #expect(readiness.last == .some(nil), "ready again once Twilio answered: \(readiness)")
    }

    @Test func aRegistryOutageHoldsTheRecordsUntilItAnswers() async throws {
        let schema = try RegistrySchema(RegistrySchemaDocument(type: .json, text: #"{"type":"object"}"#))
        let schemas = FakeSchemaSource(schema: schema, unreachable: 2)
        let rig = try Rig(
            defaults: Self.perPartition + [JSONMember("value", .object([JSONMember("format", "json-schema")]))],
            registry: true, schemas: schemas)
        rig.assign([TopicPartition(topic: Self.topic, partition: 0)])
        let framed = [UInt8]([0, 0, 0, 0, 7]) + Array(#"{"n":1}"#.utf8)
        rig.pipeline.handle(records: Self.records(0..<3, value: framed))
        await eventually("the records went once the registry answered") {
            rig.committable().values.first == 3
        }
        #expect(schemas.fetches == [7, 7, 7], "asked again after each unreachable fetch, once per id")
        #expect(rig.published(0) == [0, 1, 2])
    }

    @Test func backPressurePausesThePartitionAndAnswersResumeIt() async throws {
        let hold = Atomic<Bool>(true)
        let publisher = FakePublisher { request in
            if case .publish = request, hold.load(ordering: .relaxed) { return nil }
            return .accepted
        }
        let rig = try Rig(
            defaults: Self.perPartition + [
                JSONMember("inFlight", 1), JSONMember("maxRecordsPerMessage", 1),
                JSONMember("overflow", .object([JSONMember("policy", "block"), JSONMember("maxRecords", 4)])),
            ], publisher: publisher)
        let p0 = TopicPartition(topic: Self.topic, partition: 0)
        rig.assign([p0])
        rig.pipeline.handle(records: Self.records(0..<20))
        await eventually("the partition is paused") { rig.control.paused == [p0] }
        hold.store(false, ordering: .relaxed)
        rig.publisher.answerHeld(.accepted)
        await eventually("every record went") { rig.committable()[p0] == 20 }
        #expect(rig.control.paused.isEmpty, "resumed")
        #expect(rig.control.calls.first == .pause([p0]))
        #expect(rig.published(0) == Array(0..<20))
    }
}
