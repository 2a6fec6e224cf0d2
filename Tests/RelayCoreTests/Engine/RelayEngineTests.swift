import RelayCore
import Testing

/// The engine's behaviours one at a time, with a manual clock and no Kafka or HTTP.
@Suite struct RelayEngineTests {
    let orders = TopicPartition(topic: "orders", partition: 0)

    func engine(_ defaults: [JSONMember] = [], deadLetters: Bool = false) -> RelayEngine {
        var engine = RelayEngine(
            settings: .init(
                configuration: engineConfiguration(defaults: defaults, deadLetters: deadLetters),
                deadLetters: deadLetters, handoffHold: .zero))
        _ = engine.handle(
            .partitionsAssigned(
                [orders], assignment: PartitionAssignment(partitions: [orders], partitionCounts: ["orders": 1])),
            now: .zero)
        return engine
    }

    func records(_ offsets: Range<Int64>, partition: TopicPartition? = nil) -> [SourceRecord] {
        let partition = partition ?? orders
        return offsets.map {
            SourceRecord(
                topic: partition.topic, partition: partition.partition, offset: $0, key: nil,
                value: Array("{\"n\":\($0)}".utf8))
        }
    }

    func publishes(_ actions: [EngineAction]) -> [PublishRequest] {
        actions.compactMap { if case .publish(let request) = $0 { request } else { nil } }
    }

    func creates(_ actions: [EngineAction]) -> [String] {
        actions.compactMap { if case .createStream(let name, _, _) = $0 { name } else { nil } }
    }

    @Test func aStreamIsCreatedBeforeItsFirstMessageAndThenSends() {
        var engine = engine()
        let first = engine.handle(.recordsReceived(records(0..<3)), now: .seconds(1))
        #expect(creates(first) == ["orders"])
        #expect(publishes(first).isEmpty)
        let created = engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1.1))
        #expect(publishes(created).map(\.recordCount) == [3])
        let done = engine.handle(
            .publishAnswered(stream: "orders", sequence: 1, outcome: .accepted), now: .seconds(1.2))
        #expect(engine.commitOffsets[orders] == 3)
        #expect(engine.isIdle)
        #expect(!done.contains { if case .wake = $0 { true } else { false } })
    }

    /// A commit request (the consumer's interval) is answered with `.commit` of what is done, the one way offsets
    /// reach Kafka; nothing is asked while nothing is done, and a record in flight holds its offset back.
    @Test func aCommitRequestAnswersWithWhatIsDone() {
        var engine = engine()
        func commits(_ actions: [EngineAction]) -> [[TopicPartition: Int64]] {
            actions.compactMap { if case .commit(let offsets) = $0 { offsets } else { nil } }
        }
        #expect(commits(engine.handle(.commitRequested, now: .seconds(1))).isEmpty, "nothing done yet")
        _ = engine.handle(.recordsReceived(records(0..<3)), now: .seconds(1))
        _ = engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1.1))
        #expect(commits(engine.handle(.commitRequested, now: .seconds(1.15))).isEmpty, "in flight: not done")
        _ = engine.handle(.publishAnswered(stream: "orders", sequence: 1, outcome: .accepted), now: .seconds(1.2))
        #expect(commits(engine.handle(.commitRequested, now: .seconds(1.3))) == [[orders: 3]])
    }

    /// The start-up probe of Twilio is the engine's: asked once at the start, asked again after 1, 2, 4... up to
    /// 30 s while it fails, and no more once Twilio answered.
    @Test func theStartUpProbeIsRetriedWithABackoffUntilTwilioAnswers() {
        var engine = engine()
        func probes(_ actions: [EngineAction]) -> Int {
            actions.filter { if case .probeTwilio = $0 { true } else { false } }.count
        }
        #expect(probes(engine.handle(.started, now: .seconds(1))) == 1)
        var asked: [Double] = []
        var now = 1.0
        for _ in 0..<7 {
            _ = engine.handle(.twilioProbeAnswered(.transportError(reason: "refused")), now: .seconds(now))
            var found = 0
            while found == 0 && now < 500 {
                now += 0.5
                found = probes(engine.handle(.timeReached, now: .seconds(now)))
            }
            asked.append(now)
        }
        let waits = zip(asked, [1.0] + asked).map { $0 - $1 }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30])
        _ = engine.handle(.twilioProbeAnswered(.accepted), now: .seconds(now))
        for step in 1...120 {
            #expect(probes(engine.handle(.timeReached, now: .seconds(now + Double(step)))) == 0)
        }
    }

    @Test func idleStreamsCostNoWakeups() {
        var engine = engine()
        _ = engine.handle(.recordsReceived(records(0..<1)), now: .seconds(1))
        _ = engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1))
        _ = engine.handle(.publishAnswered(stream: "orders", sequence: 1, outcome: .accepted), now: .seconds(1.1))
        let wakeups = engine.schedulerWakeups
        // An hour of timer calls on an idle stream: nothing is due, nothing is asked for.
        for second in 2..<3602 {
            let actions = engine.handle(.timeReached, now: .seconds(Double(second)))
            #expect(actions.isEmpty)
        }
        #expect(engine.schedulerWakeups == wakeups)
        #expect(engine.isIdle)
    }

    @Test func aBacklogIsPacedBelowTheRateAndNeedsOneWakeupPerMessage() {
        var engine = engine([JSONMember("maxRecordsPerMessage", .number("1"))])
        var clock = ManualClock(start: .seconds(1))
        var sent: [Instant] = []
        var pending: [PublishRequest] = []
        var wake: Instant?
        func run(_ actions: [EngineAction]) {
            for action in actions {
                if case .publish(let request) = action {
                    sent.append(clock.now)
                    pending.append(request)
                }
                if case .wake(let at) = action { wake = at }
            }
        }
        run(engine.handle(.recordsReceived(records(0..<300)), now: clock.now))
        run(engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: clock.now))
        while let at = wake, sent.count < 300 {
            clock.advance(to: at)
            wake = nil
            let answering = pending
            pending = []
            for request in answering {
                run(
                    engine.handle(
                        .publishAnswered(stream: "orders", sequence: request.sequence, outcome: .accepted),
                        now: clock.now))
            }
            run(engine.handle(.timeReached, now: clock.now))
        }
        #expect(sent.count == 300)
        #expect(maximumInAnySecond(sent) <= 30)
        let seconds = Double((sent.last! - sent.first!).components.seconds)
        #expect(seconds >= 9 && seconds <= 10.5, "300 messages at 30/s less the margin take about 10 s")
        #expect(engine.schedulerWakeups <= 320, "one wake-up per message, not per stream per tick")
    }

    @Test func aRecordThatArrivesWhileThePacerIsEmptyCountsItsWaitForTheToken() throws {
        var engine = engine([JSONMember("maxRecordsPerMessage", .number("1"))])
        _ = engine.handle(.recordsReceived(records(0..<1)), now: .seconds(1))
        let first = publishes(
            engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1)))
        #expect(first.map(\.pacerWait) == [.zero], "a token was there at once")
        _ = engine.handle(.publishAnswered(stream: "orders", sequence: 1, outcome: .accepted), now: .seconds(1.005))
        // The next record comes 10 ms after the first send: its token comes about 34 ms after that send.
        let arrival = engine.handle(.recordsReceived(records(1..<2)), now: .seconds(1.010))
        #expect(publishes(arrival).isEmpty)
        let wakes = arrival.compactMap { if case .wake(let at) = $0 { at } else { nil } }
        let wake = try #require(wakes.last)
        #expect(wake > .seconds(1.010))
        let second = publishes(engine.handle(.timeReached, now: wake))
        #expect(second.count == 1)
        #expect(second.first?.pacerWait == wake - .seconds(1.010), "held from its arrival to its token")
    }

    @Test func manyNotFoundAnswersRecreateTheStreamOnceAndRetryAfterIt() {
        var engine = engine([JSONMember("maxRecordsPerMessage", .number("1"))])
        _ = engine.handle(.recordsReceived(records(0..<3)), now: .seconds(1))
        var sent = publishes(
            engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1)))
        sent += publishes(engine.handle(.timeReached, now: .seconds(1.034)))
        sent += publishes(engine.handle(.timeReached, now: .seconds(1.068)))
        #expect(sent.count == 3, "three messages in flight, paced 34 ms apart")
        var recreates: [String] = []
        var resent: [PublishRequest] = []
        for request in sent {
            let actions = engine.handle(
                .publishAnswered(stream: "orders", sequence: request.sequence, outcome: .notFound(twilioCode: 20404)),
                now: .seconds(1.1))
            recreates += creates(actions)
            resent += publishes(actions)
        }
        #expect(recreates == ["orders"])
        #expect(resent.isEmpty, "nothing goes before the stream exists again")
        var after = publishes(
            engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1.2)))
        after += publishes(engine.handle(.timeReached, now: .seconds(1.234)))
        after += publishes(engine.handle(.timeReached, now: .seconds(1.268)))
        #expect(after.map(\.sequence) == sent.map(\.sequence), "the retries, paced, in order")
        #expect(after.allSatisfy { $0.attempt == 2 })
    }

    @Test func blockPausesAFullPartitionAndResumesItWhenTheLaneDrains() {
        var engine = engine([
            JSONMember("maxRecordsPerMessage", .number("5")),
            JSONMember(
                "overflow", .object([JSONMember("policy", .string("block")), JSONMember("maxRecords", .number("10"))])),
        ])
        let first = engine.handle(.recordsReceived(records(0..<25)), now: .seconds(1))
        #expect(first.contains { if case .pause(let partitions) = $0 { partitions == [orders] } else { false } })
        #expect(engine.pausedPartitions == [orders])
        var clock = ManualClock(start: .seconds(1))
        var actions = engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: clock.now)
        var resumed = false
        for _ in 0..<200 where !resumed || !engine.isIdle {
            clock.advance(by: .milliseconds(40))
            var next: [EngineAction] = []
            for action in actions {
                if case .publish(let request) = action {
                    next += engine.handle(
                        .publishAnswered(stream: "orders", sequence: request.sequence, outcome: .accepted),
                        now: clock.now)
                }
                if case .resume(let partitions) = action, partitions == [orders] { resumed = true }
            }
            next += engine.handle(.timeReached, now: clock.now)
            actions = next
        }
        #expect(resumed)
        #expect(engine.commitOffsets[orders] == 25, "the held records went in after the lane drained")
    }

    @Test func anAccountRateLimitLowersTheCapAndHoldsOtherStreamsBack() {
        var engine = engine([
            JSONMember("stream", .string("{topic}-{partition}")), JSONMember("maxRecordsPerMessage", .number("1")),
        ])
        let partitions = (0..<4).map { TopicPartition(topic: "orders", partition: $0) }
        _ = engine.handle(
            .partitionsAssigned(
                partitions, assignment: PartitionAssignment(partitions: Set(partitions), partitionCounts: ["orders": 4])
            ),
            now: .zero)
        var sent: [PublishRequest] = []
        for partition in partitions {
            let name = "orders-\(partition.partition)"
            _ = engine.handle(.recordsReceived(records(0..<1, partition: partition)), now: .seconds(1))
            sent += publishes(engine.handle(.streamCreateAnswered(stream: name, outcome: .accepted), now: .seconds(1)))
        }
        #expect(sent.count == 4)
        for request in sent.prefix(3) {
            _ = engine.handle(
                .publishAnswered(
                    stream: request.stream, sequence: request.sequence,
                    outcome: .rateLimited(scope: .account, retryAfter: nil)),
                now: .seconds(1.01))
        }
        #expect(engine.accountConcurrency.limit == 2, "halved from the 4 in flight, once per wave")
        #expect(engine.accountConcurrency.lowerings == 1)
    }

    /// `twilio.maxConcurrentRequests` caps the publishes in flight across streams before any pacer token is taken,
    /// and where each connection carries one request (HTTP/1.1) `twilio.maxConnections` caps them too: a message the pacer
    /// admitted goes on the wire at once instead of queueing for a transfer slot. An answer lets the next one go.
    @Test func publishesInFlightStayUnderTheCeiling() {
        for (oneRequestPerConnection, ceiling) in [(true, 2), (false, 3)] {
            var configuration = engineConfiguration(
                defaults: [
                    JSONMember("stream", .string("{topic}-{partition}")),
                    JSONMember("maxRecordsPerMessage", .number("1")),
                ], deadLetters: false)
            configuration.twilio.maxConcurrentRequests = 3
            configuration.twilio.maxConnections = 2
            var engine = RelayEngine(
                settings: .init(
                    configuration: configuration, deadLetters: false, handoffHold: .zero,
                    oneRequestPerConnection: oneRequestPerConnection))
            let partitions = (0..<4).map { TopicPartition(topic: "orders", partition: $0) }
            _ = engine.handle(
                .partitionsAssigned(
                    partitions,
                    assignment: PartitionAssignment(partitions: Set(partitions), partitionCounts: ["orders": 4])),
                now: .zero)
            var inFlight: [PublishRequest] = []
            for partition in partitions {
                _ = engine.handle(.recordsReceived(records(0..<5, partition: partition)), now: .seconds(1))
                inFlight += publishes(
                    engine.handle(
                        .streamCreateAnswered(stream: "orders-\(partition.partition)", outcome: .accepted),
                        now: .seconds(1)))
            }
            #expect(inFlight.count == ceiling, "one request per connection: \(oneRequestPerConnection)")
            var answered = 0
            var now = 1.0
            while let request = inFlight.first, answered < 40 {
                inFlight.removeFirst()
                answered += 1
                now += 0.01
                inFlight += publishes(
                    engine.handle(
                        .publishAnswered(stream: request.stream, sequence: request.sequence, outcome: .accepted),
                        now: .seconds(now)))
                inFlight += publishes(engine.handle(.timeReached, now: .seconds(now)))
                #expect(inFlight.count <= ceiling, "one request per connection: \(oneRequestPerConnection)")
            }
            #expect(answered == 20, "every record of the four streams was published")
            #expect(partitions.allSatisfy { engine.commitOffsets[$0] == 5 })
        }
    }

    @Test func aFailedDeadLetterIsRetriedAndTheOffsetWaitsForIt() {
        var engine = engine(
            [JSONMember("oversize", .string("dead-letter")), JSONMember("maxMessageBytes", .number("1024"))],
            deadLetters: true)
        let big = SourceRecord(
            topic: "orders", partition: 0, offset: 0, key: nil, value: Array(repeating: UInt8(ascii: "x"), count: 5000))
        let actions = engine.handle(.recordsReceived([big]), now: .seconds(1))
        let letters = actions.compactMap { if case .deadLetter(let letter) = $0 { letter } else { nil } }
        #expect(letters.map(\.reason) == [.oversize])
        #expect(engine.commitOffsets[orders] == nil)
        let failed = engine.handle(.deadLetterAnswered(id: letters[0].id, written: false), now: .seconds(1))
        guard case .wake(let at)? = failed.last else { return #expect(Bool(false), "a retry is scheduled") }
        let retried = engine.handle(.timeReached, now: at)
        #expect(retried.contains { if case .deadLetter(let letter) = $0 { letter.id == letters[0].id } else { false } })
        _ = engine.handle(.deadLetterAnswered(id: letters[0].id, written: true), now: at)
        #expect(engine.commitOffsets[orders] == 1)
    }

    /// Found by the property test (seed 11743735418565767009): a message on the wire when its partition's revoke
    /// ended, whose partition came back to this member before the message was answered with a retry, was sent again
    /// after the revoke (the check asked only whether the partition was assigned now). The records packed before
    /// the revoke ended are withdrawn from the retry whatever happens to the partition since.
    @Test func aRetryAfterTheRevokeIsWithdrawnEvenWhenThePartitionCameBack() {
        var engine = engine()
        let assignment = PartitionAssignment(partitions: [orders], partitionCounts: ["orders": 1])
        _ = engine.handle(.recordsReceived(records(0..<3)), now: .seconds(1))
        let sent = publishes(
            engine.handle(.streamCreateAnswered(stream: "orders", outcome: .accepted), now: .seconds(1)))
        #expect(sent.map(\.sequence) == [1])
        _ = engine.handle(
            .partitionsRevoked([orders], remaining: PartitionAssignment(partitionCounts: ["orders": 1])),
            now: .seconds(1.1))
        let ended = engine.handle(.revokeDrainEnded([orders]), now: .seconds(1.1))  // its deadline passed
        #expect(ended.contains { if case .commit = $0 { true } else { false } })
        _ = engine.handle(.partitionsAssigned([orders], assignment: assignment), now: .seconds(1.2))
        // The new assignment consumes from the committed offset again.
        var later = publishes(engine.handle(.recordsReceived(records(0..<2)), now: .seconds(1.2)))
        later += publishes(
            engine.handle(
                .publishAnswered(stream: "orders", sequence: 1, outcome: .serverError(status: 500, twilioCode: nil)),
                now: .seconds(1.3)))
        var answered = 0
        for step in 0..<100 {
            let now = Instant.seconds(1.3 + Double(step) * 0.5)
            later += publishes(engine.handle(.timeReached, now: now))
            while answered < later.count {
                let request = later[answered]
                answered += 1
                later += publishes(
                    engine.handle(
                        .publishAnswered(stream: "orders", sequence: request.sequence, outcome: .accepted), now: now))
            }
        }
        #expect(!later.contains { $0.sequence == 1 }, "the message packed before the revoke ended is not sent again")
        #expect(later.map(\.recordCount).reduce(0, +) == 2, "the new assignment's records go, once")
        #expect(engine.commitOffsets[orders] == 2)
    }

    @Test func aRevokeThatMakesRoomResumesTheOtherPausedPartition() {
        // Found by the property test (seed 14701151492497575380): a revoke discards the revoked partition's queued
        // records from a stream other partitions feed; with nothing in flight, no record becoming done would ever
        // tell the remaining paused partition that the lane has room.
        var engine = engine([
            JSONMember(
                "overflow", .object([JSONMember("policy", .string("block")), JSONMember("maxRecords", .number("10"))]))
        ])
        let other = TopicPartition(topic: "orders", partition: 1)
        let both = PartitionAssignment(partitions: [orders, other], partitionCounts: ["orders": 2])
        _ = engine.handle(.partitionsAssigned([other], assignment: both), now: .zero)
        _ = engine.handle(.recordsReceived(records(0..<10, partition: other)), now: .seconds(1))
        _ = engine.handle(.recordsReceived(records(0..<5)), now: .seconds(1))
        #expect(engine.pausedPartitions == [orders, other], "the stream is full: both partitions feeding it pause")
        let revoked = engine.handle(
            .partitionsRevoked(
                [other], remaining: PartitionAssignment(partitions: [orders], partitionCounts: ["orders": 2])),
            now: .seconds(2))
        #expect(revoked.contains { if case .resume(let partitions) = $0 { partitions == [orders] } else { false } })
        #expect(engine.pausedPartitions.isEmpty)
    }
}
