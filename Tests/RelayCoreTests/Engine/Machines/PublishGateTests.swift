import Testing

@testable import RelayCore

/// `PublishGate` alone: the ceiling, the account-wide cap after 20429, the waiters, and create pacing.
@Suite struct PublishGateTests {
    @Test func theCeilingCountsConnectionsOnlyWhereEachCarriesOneRequest() {
        var twilio = MachineFixtures.configuration.twilio
        twilio.maxConcurrentRequests = 30
        twilio.maxConnections = 8
        #expect(PublishGate.ceiling(twilio, oneRequestPerConnection: true) == 8)
        #expect(PublishGate.ceiling(twilio, oneRequestPerConnection: false) == 30)
    }

    @Test func waitersGoFirstComeFirstServedWhenAnAnswerMakesRoom() {
        var gate = PublishGate(ceiling: 2, createsPerSecond: 10)
        gate.sent(now: .zero)
        gate.sent(now: .zero)
        #expect(!gate.hasRoom)
        let object = SnapshotBook.ObjectKey(kind: .map, name: "vehicles")
        gate.wait(.stream(7))
        gate.wait(.object(object))
        let value17 = gate.nextAdmitted()
        #expect(value17 == nil)
        let value18 = gate.answered(.done, now: .seconds(1))
        #expect(value18 == nil)
        let value19 = gate.nextAdmitted()
        #expect(value19 == .stream(7))
        gate.sent(now: .zero)
        let value20 = gate.nextAdmitted()
        #expect(value20 == nil)
        gate.abandoned()
        let value21 = gate.nextAdmitted()
        #expect(value21 == .object(object), "a snapshot object waits beside the streams")
    }

    @Test func streamsAndSnapshotObjectsTakeTurnsWhenBothWait() {
        var gate = PublishGate(ceiling: 1, createsPerSecond: 10)
        gate.sent(now: .zero)
        let map = SnapshotBook.ObjectKey(kind: .map, name: "vehicles")
        for slot in 0..<3 { gate.wait(.stream(slot)) }
        gate.wait(.object(map))
        var admitted: [PublishGate.Waiter] = []
        for _ in 0..<4 {
            _ = gate.answered(.done, now: .seconds(1))
            if let next = gate.nextAdmitted() { admitted.append(next) }
            gate.sent(now: .zero)
        }
        #expect(
            admitted == [.stream(0), .object(map), .stream(1), .stream(2)], "the Map does not wait behind every stream")
    }

    /// At the end of a burst the answers of the relay's own earlier requests carry counts from when the burst was
    /// in flight: they must not read as other clients' requests (which would throttle the relay to 1).
    @Test func theTailOfABurstIsNotMistakenForOtherClients() {
        var gate = PublishGate(ceiling: 256, createsPerSecond: 25, accountLimit: 100)
        let start = Instant.seconds(10)
        for _ in 0..<95 { gate.sent(now: start) }
        for answered in 1...95 {
            // Answered in order: the request answered last reached Twilio with all 95 in flight.
            let now = start + .milliseconds(100 + answered)
            _ = gate.observed(TwilioConcurrencyObservation(concurrentRequests: 95, answer: .accepted), now: now)
            _ = gate.answered(.done, now: now)
        }
        #expect(gate.inFlight == 0)
        #expect(gate.inFlightLimit == 95, "100 - 0 others - 5 headroom")
        // Other clients' requests are still seen: 30 more than this relay's own peak.
        gate.sent(now: start + .seconds(1))
        _ = gate.observed(
            TwilioConcurrencyObservation(concurrentRequests: 125, answer: .accepted), now: start + .seconds(1))
        #expect(gate.inFlightLimit == 65, "100 - 30 others - 5 headroom")
    }

    @Test func a20429LowersTheCapOncePerWaveAndSuccessesLiftItAgain() {
        var gate = PublishGate(ceiling: 100, createsPerSecond: 10)
        for _ in 0..<8 { gate.sent(now: .zero) }
        let limited = RetryDecision.retry(at: .seconds(2), reason: .accountRateLimited)
        let value22 = gate.answered(limited, now: .seconds(1))
        #expect(value22 == .lowered(limit: 4), "half of the 8 in flight")
        let value23 = gate.answered(limited, now: .seconds(1.1))
        #expect(value23 == nil, "the same wave")
        #expect(gate.lowerings == 1 && gate.inFlight == 6)
        var now = 2.0
        var restored = false
        while !restored && now < 20 {
            gate.sent(now: .zero)
            restored = gate.answered(.done, now: .seconds(now)) == .restored
            now += 1.1
        }
        #expect(restored && gate.account.limit == nil)
    }

    @Test func createsWaitInOrderForTokensAndTheSchedulerIsAskedOnlyForEarlierLooks() {
        var gate = PublishGate(ceiling: 10, createsPerSecond: 1)
        let value24 = gate.takeCreateToken(now: .seconds(1))
        #expect(value24, "the first create goes at once")
        let value25 = gate.takeCreateToken(now: .seconds(1))
        #expect(!value25)
        gate.queueForCreate(4, first: false)
        gate.queueForCreate(9, first: true)
        #expect(gate.firstQueuedCreate == 9)
        let value26 = gate.takeCreateToken(now: .seconds(5))
        #expect(!value26, "streams wait: a newcomer queues behind them")
        let wake = gate.createsWake(now: .seconds(1))
        #expect(wake == .seconds(2))
        let value27 = gate.createsWake(now: .seconds(1))
        #expect(value27 == nil, "asked already")
        let value28 = gate.createsDue(at: .seconds(1.5))
        #expect(!value28, "a stale entry")
        let value29 = gate.createsDue(at: .seconds(2))
        #expect(value29)
        let value30 = gate.takeQueuedCreateToken(now: .seconds(2))
        #expect(value30)
        gate.removeFirstQueuedCreate()
        #expect(gate.firstQueuedCreate == 4 && gate.hasCreatesWaiting)
    }

    @Test func a429OnACreateSlowsCreatesDown() {
        var gate = PublishGate(ceiling: 10, createsPerSecond: 40)
        gate.createRateLimited(retryAfter: .seconds(2), now: .seconds(1))
        #expect(gate.creates.rate == 20)
        let value31 = gate.takeCreateToken(now: .seconds(2.9))
        #expect(!value31)
        let value32 = gate.takeCreateToken(now: .seconds(3))
        #expect(value32)
    }
}
