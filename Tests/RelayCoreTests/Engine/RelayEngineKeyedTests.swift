import RelayCore
import RelayTestSupport
import Testing

/// Keyed routes (one stream per key): streams made on first use and released when idle, the cap on active
/// streams, unroutable records, paced creates and the whole budget for a stream fed by one partition.
@Suite struct RelayEngineKeyedTests {
    let orders = TopicPartition(topic: "orders", partition: 0)

    /// An engine driven by hand: what it asked for is collected, answers are given by the test.
    struct Driver {
        var engine: RelayEngine
        var now = Instant.seconds(1)
        var publishes: [PublishRequest] = []
        var creates: [String] = []
        var letters: [DeadLetter] = []
        var wake: Instant?
        var reports: [EngineReport] = []
        var pauses: [[TopicPartition]] = []
        var resumes: [[TopicPartition]] = []

        mutating func handle(_ event: EngineEvent) {
            for action in engine.handle(event, now: now) {
                switch action {
                case .publish(let request): publishes.append(request)
                case .createStream(let name, _, _): creates.append(name)
                case .deadLetter(let letter): letters.append(letter)
                case .wake(let at): wake = at
                case .report(let report): reports.append(report)
                case .pause(let partitions): pauses.append(partitions)
                case .resume(let partitions): resumes.append(partitions)
                default: break
                }
            }
        }

        /// Moves the clock to `instant`, firing the wake-ups due on the way.
        mutating func advance(to instant: Instant) {
            while let at = wake, at <= instant {
                now = max(now, at)
                wake = nil
                handle(.timeReached)
            }
            now = instant
        }

        mutating func acceptCreates() {
            let names = creates
            creates = []
            for name in names { handle(.streamCreateAnswered(stream: name, outcome: .accepted)) }
        }

        mutating func acceptPublishes() {
            let requests = publishes
            publishes = []
            for request in requests {
                handle(.publishAnswered(stream: request.stream, sequence: request.sequence, outcome: .accepted))
            }
        }

        var released: Int { reports.filter { if case .streamReleased = $0 { true } else { false } }.count }
    }

    func driver(
        _ defaults: [JSONMember], deadLetters: Bool = false, twilio: [JSONMember] = [], owned: Int = 1,
        partitions: Int = 1
    ) -> Driver {
        let stream = defaults.contains { $0.key == "stream" } ? [] : [JSONMember("stream", .string("v-{key}"))]
        var configuration = engineConfiguration(defaults: stream + defaults, deadLetters: deadLetters)
        for member in twilio {
            switch member.key {
            case "maxCreatesPerSecond": configuration.twilio.maxCreatesPerSecond = Int(member.value.numberText ?? "")!
            default: break
            }
        }
        let engine = RelayEngine(
            settings: .init(
                configuration: configuration, deadLetters: deadLetters, epoch: 1_000_000, handoffHold: .zero))
        var driver = Driver(engine: engine)
        let assigned = (0..<owned).map { TopicPartition(topic: "orders", partition: Int32($0)) }
        driver.handle(
            .partitionsAssigned(
                assigned,
                assignment: PartitionAssignment(partitions: Set(assigned), partitionCounts: ["orders": partitions])))
        return driver
    }

    func record(_ offset: Int64, key: String?, partition: Int32 = 0) -> SourceRecord {
        SourceRecord(
            topic: "orders", partition: partition, offset: offset, key: key.map { Array($0.utf8) },
            value: Array("{\"n\":\(offset)}".utf8))
    }

    func envelope(_ request: PublishRequest) throws -> (epoch: String?, sequence: String?) {
        let message = try JSONParser.parse(request.data)
        return (message["e"]?.numberText, message["q"]?.numberText)
    }

    @Test func anIdleStreamIsReleasedAndAReturningKeyStartsAFreshNumberingWithoutACreate() throws {
        var driver = driver([JSONMember("idleAfter", .string("10s"))])
        driver.handle(.recordsReceived([record(0, key: "a")]))
        #expect(driver.creates == ["v-a"])
        driver.acceptCreates()
        let first = try #require(driver.publishes.first)
        #expect(first.label == "v-{key}", "keys never become metric labels")
        driver.acceptPublishes()
        #expect(driver.engine.activeStreamCount == 1)
        driver.advance(to: .seconds(10.5))
        #expect(driver.engine.activeStreamCount == 1, "not idle for 10 s yet")
        driver.advance(to: .seconds(12))
        #expect(driver.engine.activeStreamCount == 0)
        #expect(driver.released == 1)
        #expect(driver.engine.knownStreamCount == 1)

        driver.handle(.recordsReceived([record(1, key: "a")]))
        #expect(driver.creates.isEmpty, "the relay remembers that v-a exists")
        let second = try #require(driver.publishes.first)
        #expect(second.stream == "v-a")
        let (firstEpoch, firstSequence) = try envelope(first)
        let (secondEpoch, secondSequence) = try envelope(second)
        #expect(firstSequence == "1" && secondSequence == "1", "a new life numbers from 1")
        #expect(UInt64(secondEpoch!)! > UInt64(firstEpoch!)!, "with a greater epoch")
        #expect(UInt64(secondEpoch!)! >= 1_000_000 + 11_000, "the wall-clock time its numbering began")
        driver.acceptPublishes()
        #expect(driver.engine.commitOffsets[orders] == 2)
    }

    @Test func aStreamWithQueuedOrInFlightRecordsIsNeverReleased() {
        var driver = driver([JSONMember("idleAfter", .string("2s"))])
        driver.handle(.recordsReceived([record(0, key: "a")]))
        driver.acceptCreates()
        #expect(driver.publishes.count == 1)
        driver.advance(to: .seconds(60))  // no answer for a minute
        driver.handle(.timeReached)
        #expect(driver.engine.activeStreamCount == 1)
        #expect(driver.released == 0)
        driver.acceptPublishes()
        driver.advance(to: .seconds(61))
        #expect(driver.engine.activeStreamCount == 1)
        driver.advance(to: .seconds(62.5))
        #expect(driver.engine.activeStreamCount == 0)
        #expect(driver.engine.commitOffsets[orders] == 1)
    }

    @Test func atTheCapTheLongestIdleStreamMakesRoomElseThePartitionWaits() {
        var driver = driver([JSONMember("maxActiveStreams", .number("2")), JSONMember("idleAfter", .string("1h"))])
        driver.handle(.recordsReceived([record(0, key: "a"), record(1, key: "b")]))
        driver.acceptCreates()
        #expect(driver.publishes.count == 2)
        // Both streams are busy: the third key waits, its partition paused, nothing dropped.
        driver.handle(.recordsReceived([record(2, key: "c"), record(3, key: "a")]))
        #expect(driver.creates.isEmpty)
        #expect(driver.pauses == [[orders]])
        #expect(driver.engine.activeStreamCount == 2)
        // "a" answers and goes idle first. It may hold messages in Twilio's current window, so it is released for
        // "c" only 1.1 s later; then "a" comes back and "b", idle since, makes room.
        let requests = driver.publishes
        driver.publishes = []
        driver.handle(.publishAnswered(stream: "v-a", sequence: requests[0].sequence, outcome: .accepted))
        #expect(driver.creates.isEmpty)
        driver.advance(to: driver.now + .milliseconds(1000))
        #expect(driver.creates.isEmpty, "not within a second of its last answer")
        driver.advance(to: driver.now + .milliseconds(150))
        #expect(driver.creates == ["v-c"])
        #expect(driver.released == 1)
        driver.acceptCreates()
        driver.handle(.publishAnswered(stream: "v-b", sequence: requests[1].sequence, outcome: .accepted))
        driver.acceptPublishes()  // c's record
        driver.advance(to: driver.now + .milliseconds(1200))
        #expect(driver.released == 2)
        #expect(driver.creates.isEmpty, "v-a is remembered as existing: no create")
        #expect(driver.publishes.map(\.stream) == ["v-a"])
        driver.acceptPublishes()
        #expect(driver.publishes.isEmpty)
        #expect(driver.engine.commitOffsets[orders] == 4)
        #expect(driver.resumes == [[orders]])
        #expect(driver.engine.activeStreamCount == 2)
    }

    @Test func unroutableRecordsAreDroppedDeadLetteredOrSentToTheFallback() throws {
        var drop = driver([JSONMember("unroutable", .string("drop"))])
        drop.handle(.recordsReceived([record(0, key: nil)]))
        #expect(drop.creates.isEmpty && drop.letters.isEmpty)
        #expect(drop.engine.commitOffsets[orders] == 1, "dropped and counted: done")
        #expect(
            drop.reports.contains {
                if case .unroutable("v-{key}", "orders", "no-key") = $0 { true } else { false }
            })

        var letter = driver([], deadLetters: true)  // the default with a dead-letter topic
        letter.handle(.recordsReceived([record(0, key: nil), record(1, key: "a")]))
        #expect(letter.letters.map(\.reason) == [.unroutable])
        #expect(letter.engine.commitOffsets[orders] == nil, "done only once the dead letter is written")
        letter.handle(.deadLetterAnswered(id: letter.letters[0].id, written: true))
        #expect(letter.engine.commitOffsets[orders] == 1)

        var fallback = driver([
            JSONMember("unroutable", .string("fallback")), JSONMember("fallbackStream", .string("{topic}-nokey")),
        ])
        fallback.handle(.recordsReceived([record(0, key: nil)]))
        #expect(fallback.creates == ["orders-nokey"])
        fallback.acceptCreates()
        #expect(fallback.publishes.map(\.stream) == ["orders-nokey"])
        #expect(fallback.publishes.map(\.label) == ["orders-nokey"])
        fallback.acceptPublishes()
        #expect(fallback.engine.commitOffsets[orders] == 1)
    }

    @Test func createsArePacedAcrossTheAccountAndSlowDownAfterA429() {
        var driver = driver([], twilio: [JSONMember("maxCreatesPerSecond", .number("5"))])
        driver.handle(.recordsReceived((0..<40).map { record(Int64($0), key: "k\($0)") }))
        #expect(driver.creates.count == 5, "a burst of up to 10 at once (here the whole rate)")
        var created = driver.creates
        driver.acceptCreates()
        driver.advance(to: .seconds(2.01))
        #expect(driver.creates.count == 5, "then 5 per second: none bunched")
        // A 429 on a create: the stream goes first in line again, and the rate halves.
        let limited = driver.creates.removeFirst()
        driver.handle(
            .streamCreateAnswered(stream: limited, outcome: .rateLimited(scope: .account, retryAfter: .seconds(2))))
        created += driver.creates
        driver.acceptCreates()
        #expect(driver.engine.createRate == 2)
        driver.advance(to: .seconds(3.9))
        #expect(driver.creates.isEmpty, "nothing before Retry-After")
        driver.advance(to: .seconds(4.05))
        #expect(driver.creates.first == limited)
        while created.count + driver.creates.count < 41, let at = driver.wake {
            created += driver.creates
            driver.acceptCreates()
            driver.advance(to: at)
        }
        created += driver.creates
        #expect(Set(created).count == 40, "every key's stream was created once")
    }

    @Test func aStreamFedByOnePartitionUsesTheWholeBudget() {
        func sentInTwoSeconds(template: String) -> Int {
            var driver = driver(
                [JSONMember("stream", .string(template)), JSONMember("maxRecordsPerMessage", .number("1"))],
                owned: 1, partitions: 4)
            driver.handle(.recordsReceived((0..<200).map { record(Int64($0), key: "a") }))
            driver.acceptCreates()
            var sent = 0
            while driver.now < .seconds(3) {
                sent += driver.publishes.count
                driver.acceptPublishes()
                guard let at = driver.wake else { break }
                driver.advance(to: at)
            }
            return sent
        }
        let keyed = sentInTwoSeconds(template: "v-{key}")
        let shared = sentInTwoSeconds(template: "{topic}")
        #expect(keyed >= 55 && keyed <= 62, "about 30/s: \(keyed)")
        #expect(shared >= 12 && shared <= 17, "a quarter of it, one of four partitions owned: \(shared)")
    }
}

/// The budget rule with two relays in one consumer group: each engine owns two of the topic's four partitions.
@Suite struct KeyedBudgetAcrossRelaysTests {
    /// Messages each relay sends in two seconds for one stream fed by `keys` (the partition each key is on), under a
    /// backlog, one record per message.
    func sends(template: String, relay: Int) -> Int {
        var configuration = engineConfiguration(
            defaults: [JSONMember("stream", .string(template)), JSONMember("maxRecordsPerMessage", .number("1"))],
            deadLetters: false)
        configuration.twilio.maxCreatesPerSecond = 100
        var driver = RelayEngineKeyedTests.Driver(
            engine: RelayEngine(settings: .init(configuration: configuration, deadLetters: false, handoffHold: .zero)))
        let owned = [0, 1].map { TopicPartition(topic: "orders", partition: Int32(2 * relay + $0)) }
        driver.handle(
            .partitionsAssigned(
                owned, assignment: PartitionAssignment(partitions: Set(owned), partitionCounts: ["orders": 4])))
        // Key "a" lives on this relay's first partition; records of other keys on its second keep `{topic}` busy too.
        var records: [SourceRecord] = []
        for offset in 0..<200 {
            let key = offset % 2 == 0 ? "a\(relay)" : "b\(relay)"
            let partition = owned[offset % 2].partition
            records.append(
                SourceRecord(
                    topic: "orders", partition: partition, offset: Int64(offset / 2), key: Array(key.utf8),
                    value: Array("{}".utf8)))
        }
        driver.handle(.recordsReceived(records))
        driver.acceptCreates()
        var sent: [String: Int] = [:]
        while driver.now < .seconds(3) {
            for request in driver.publishes { sent[request.stream, default: 0] += 1 }
            driver.acceptPublishes()
            guard let at = driver.wake else { break }
            driver.advance(to: at)
        }
        return template == "{topic}" ? sent["orders"] ?? 0 : sent["v-a\(relay)"] ?? 0
    }

    @Test func aKeyedStreamGetsTheWholeBudgetFromItsOwnerAndASharedOneHalfFromEach() {
        for relay in 0..<2 {
            let keyed = sends(template: "v-{key}", relay: relay)
            #expect(keyed >= 55 && keyed <= 62, "relay \(relay): key stream at about 30/s: \(keyed)")
        }
        let shared = (0..<2).map { sends(template: "{topic}", relay: $0) }
        #expect(shared.allSatisfy { $0 >= 26 && $0 <= 32 }, "each relay about 15/s of the shared stream: \(shared)")
        #expect(shared.reduce(0, +) <= 62, "together within the stream's 30/s")
    }
}

extension JSONValue {
    /// A number's text, for the tests.
    var numberText: String? { if case .number(let text) = self { text } else { nil } }
}
