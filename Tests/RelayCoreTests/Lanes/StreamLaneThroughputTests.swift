import RelayCore
import Testing

/// The lane keeps up with the pacer under continuous backlog, with acknowledgements arriving after a round trip.
@Suite struct StreamLaneThroughputTests {
    /// Drives a backlogged lane for `seconds`, acknowledging each message `roundTrip` after it was sent; returns the
    /// send times.
    private func run(settings: LaneSettings, roundTrip: Duration, seconds: Double) -> [Instant] {
        var lane = StreamLane(settings: settings)
        var clock = ManualClock()
        var sent: [Instant] = []
        var pending: [(due: Instant, sequence: UInt64)] = []
        var offset: Int64 = 0
        let payload = Array("\"\(String(repeating: "x", count: 400))\"".utf8)
        let end = Instant.seconds(seconds)
        while clock.now < end {
            while lane.queuedRecords < 50 {
                let record = SourceRecord(topic: "t", partition: 0, offset: offset, value: payload)
                _ = lane.offer(record, now: clock.now)
                offset += 1
            }
            while let first = pending.first, first.due <= clock.now {
                _ = lane.acknowledge(sequence: first.sequence, now: clock.now)
                pending.removeFirst()
            }
            let step = lane.nextStep(now: clock.now)
            if let message = step.message {
                sent.append(clock.now)
                pending.append((clock.now + roundTrip, message.sequence))
                continue
            }
            let wake = [step.wakeAt, pending.first?.due].compactMap { $0 }.min() ?? (clock.now + .milliseconds(1))
            clock.advance(to: wake)
        }
        return sent
    }

    @Test func defaultWindowSustainsTheFullRateAt250MillisecondsRoundTrip() {
        let sent = run(settings: LaneSettings(), roundTrip: .milliseconds(250), seconds: 120)
        #expect(Double(sent.count) >= 0.99 * 30 * 120)
        #expect(maximumInAnySecond(sent) <= 30)
    }

    @Test func aSmallWindowLimitsTheRateToWindowOverRoundTrip() {
        let sent = run(settings: LaneSettings(maxInFlight: 2), roundTrip: .milliseconds(250), seconds: 60)
        // Two messages per 250 ms round trip: 8 per second.
        #expect(sent.count >= 7 * 60 && sent.count <= 8 * 60 + 2)
    }
}

@Suite struct ClockTests {
    @Test func instantArithmetic() {
        let start = Instant.seconds(1.5)
        #expect(start.nanoseconds == 1_500_000_000)
        #expect(start + .milliseconds(500) == .seconds(2))
        #expect(Instant.seconds(2) - start == .milliseconds(500))
        #expect(Instant.distantFuture + .seconds(1_000_000) > .distantFuture)
    }

    @Test func manualClockOnlyMovesForward() {
        var clock = ManualClock(start: .seconds(10))
        clock.advance(by: .seconds(1))
        clock.advance(to: .seconds(5))
        #expect(clock.now == .seconds(11))
    }

    @Test func monotonicClockNeverGoesBack() {
        let clock = MonotonicClock()
        let first = clock.now()
        let second = clock.now()
        #expect(second >= first)
        #expect(clock.continuousInstant(for: second) >= clock.continuousInstant(for: first))
    }
}
