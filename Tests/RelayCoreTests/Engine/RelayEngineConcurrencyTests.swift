import RelayCore
import Testing

/// The engine with `Twilio-Concurrent-Requests` observations: the account's budget caps the publishes in flight
/// across streams beside the ceiling and the AIMD cap, and the gauges' figures are reported.
@Suite struct RelayEngineConcurrencyTests {
    let partitions = (0..<8).map { TopicPartition(topic: "orders", partition: $0) }

    func engine(accountLimit: Int?) -> RelayEngine {
        var configuration = engineConfiguration(
            defaults: [
                JSONMember("stream", .string("{topic}-{partition}")), JSONMember("maxRecordsPerMessage", .number("1")),
            ], deadLetters: false)
        configuration.twilio.maxConcurrentRequests = 64
        configuration.twilio.accountConcurrencyLimit = accountLimit
        var engine = RelayEngine(settings: .init(configuration: configuration, deadLetters: false, handoffHold: .zero))
        _ = engine.handle(
            .partitionsAssigned(
                partitions, assignment: PartitionAssignment(partitions: Set(partitions), partitionCounts: ["orders": 8])
            ),
            now: .zero)
        return engine
    }

    func records(_ partition: TopicPartition, _ offsets: Range<Int64>) -> [SourceRecord] {
        offsets.map {
            SourceRecord(
                topic: partition.topic, partition: partition.partition, offset: $0, key: nil,
                value: Array("{\"n\":\($0)}".utf8))
        }
    }

    func publishes(_ actions: [EngineAction]) -> [PublishRequest] {
        actions.compactMap { if case .publish(let request) = $0 { request } else { nil } }
    }

    func figures(_ actions: [EngineAction]) -> [(Int?, Int)] {
        actions.compactMap {
            if case .report(.twilioConcurrency(let recent, let limit)) = $0 { (recent, limit) } else { nil }
        }
    }

    func seen(_ value: Int, _ answer: TwilioConcurrencyObservation.Answer = .accepted) -> EngineEvent {
        .twilioConcurrencyObserved(TwilioConcurrencyObservation(concurrentRequests: value, answer: answer))
    }

    @Test func theStartReportsTheCapForTheGauge() {
        var engine = engine(accountLimit: 20)
        let reported = figures(engine.handle(.started, now: .zero))
        #expect(reported.count == 1)
        #expect(reported.first?.0 == nil && reported.first?.1 == 19, "20 minus a headroom of 1; nothing seen yet")
    }

    @Test func otherClientsOfTheAccountHoldPublishesBack() {
        var engine = engine(accountLimit: 20)
        // A create's answer shows 12 requests of other clients (the relay has no publish in flight).
        let observed = engine.handle(seen(12), now: .seconds(1))
        #expect(figures(observed).first.map { $0.0 == 12 && $0.1 == 7 } == true, "20 - 12 - 1")
        var sent: [PublishRequest] = []
        for partition in partitions {
            _ = engine.handle(.recordsReceived(records(partition, 0..<3)), now: .seconds(1))
            sent += publishes(
                engine.handle(
                    .streamCreateAnswered(stream: "orders-\(partition.partition)", outcome: .accepted),
                    now: .seconds(1)))
        }
        #expect(sent.count == 7, "the budget, not the ceiling of 64")
        let budget = engine.accountBudget(now: .seconds(1))
        #expect(budget.accountLimit == 20 && budget.others == 12 && budget.inFlightLimit == 7)
        // An answer frees one place, and its observation (12 others + 7 own) changes nothing.
        _ = engine.handle(seen(19), now: .seconds(1.1))
        let next = publishes(
            engine.handle(
                .publishAnswered(stream: sent[0].stream, sequence: sent[0].sequence, outcome: .accepted),
                now: .seconds(1.1)))
        #expect(next.count == 1)
        #expect(engine.accountConcurrency.inFlight == 7)
        // Once the other clients' requests leave the window, the cap rises and waiting streams go.
        let risen = engine.handle(seen(7), now: .seconds(12))
        #expect(!publishes(risen).isEmpty)
        #expect(engine.accountBudget(now: .seconds(12)).inFlightLimit == 19)
        #expect(engine.accountConcurrency.inFlight > 7 && engine.accountConcurrency.inFlight <= 19)
    }

    @Test func withoutAConfiguredLimitTheFirst20429TeachesIt() {
        var engine = engine(accountLimit: nil)
        var sent: [PublishRequest] = []
        for partition in partitions {
            _ = engine.handle(.recordsReceived(records(partition, 0..<1)), now: .seconds(1))
            sent += publishes(
                engine.handle(
                    .streamCreateAnswered(stream: "orders-\(partition.partition)", outcome: .accepted),
                    now: .seconds(1)))
        }
        #expect(sent.count == 8)
        // The account is at 11 of 10 when the first publish arrives: 3 requests of other clients beside the 8.
        _ = engine.handle(seen(11, .refusedForConcurrency), now: .seconds(1.1))
        _ = engine.handle(
            .publishAnswered(
                stream: sent[0].stream, sequence: sent[0].sequence,
                outcome: .rateLimited(scope: .account, retryAfter: .seconds(1))),
            now: .seconds(1.1))
        let budget = engine.accountBudget(now: .seconds(1.1))
        #expect(budget.accountLimit == 10)
        #expect(budget.inFlightLimit == 4, "the AIMD's 4 (half of 8) and the budget's 10 - 3 - 1 = 6")
    }
}
