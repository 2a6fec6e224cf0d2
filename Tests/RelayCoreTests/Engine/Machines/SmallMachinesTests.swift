import Testing

@testable import RelayCore

/// The smallest pieces: `Backoff`, `RoundTripFloor` and a stream's `TTLClock`.
@Suite struct SmallMachinesTests {
    @Test func aBackoffDoublesUpToItsMaximum() {
        let backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(2))
        #expect(
            (0...6).map { backoff.delay(afterFailures: $0) } == [
                .milliseconds(250), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2),
                .seconds(2),
            ])
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(2), "no overflow")
        #expect(
            Backoff(initial: .seconds(1), maximum: .seconds(5), multiplier: 1).delay(afterFailures: 9) == .seconds(1))
    }

    @Test func aJitteredBackoffStaysBetweenHalfAndAllOfTheDelay() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
        var random = SeededGenerator(seed: 42)
        var seen: Set<Duration> = []
        for failures in 1...12 {
            let full = backoff.delay(afterFailures: failures)
            for _ in 0..<20 {
                let delay = backoff.jitteredDelay(afterFailures: failures, using: &random)
                #expect(delay >= full / 2 && delay <= full)
                seen.insert(delay)
            }
        }
        #expect(seen.count > 200, "jittered, not constant")
    }

    @Test func theRoundTripFloorKeepsTheFastestUntilItIsOld() {
        var floor = RoundTripFloor()
        floor.learn(nil, now: .seconds(1))
        #expect(floor.nanoseconds == nil)
        floor.learn(150_000_000, now: .seconds(1))
        floor.learn(120_000_000, now: .seconds(2))
        floor.learn(180_000_000, now: .seconds(3))
        #expect(floor.nanoseconds == 120_000_000, "the lowest")
        floor.learn(180_000_000, now: .seconds(12))
        #expect(floor.nanoseconds == 120_000_000, "10 s old: it still stands")
        floor.learn(180_000_000, now: .seconds(12.001))
        #expect(floor.nanoseconds == 180_000_000, "older than the horizon: a slower path is learnt")
    }

    @Test func aTTLIsRefreshedAtHalfItsLifeOrWhenOutdated() {
        var ttl = EngineStream.TTLClock()
        #expect(!ttl.isDue(now: .seconds(100), ttl: .seconds(60), ttlRefresh: true), "not created yet")
        ttl.streamExists(created: true, now: .seconds(10))
        #expect(!ttl.isDue(now: .seconds(39), ttl: .seconds(60), ttlRefresh: true))
        #expect(ttl.isDue(now: .seconds(40), ttl: .seconds(60), ttlRefresh: true))
        #expect(!ttl.isDue(now: .seconds(40), ttl: .seconds(60), ttlRefresh: false))
        #expect(!ttl.isDue(now: .seconds(40), ttl: .zero, ttlRefresh: true), "a TTL of zero never expires")
        ttl.refreshSent(now: .seconds(40))
        #expect(!ttl.isDue(now: .seconds(200), ttl: .seconds(60), ttlRefresh: true), "one refresh at a time")
        ttl.refreshAnswered(accepted: false, now: .seconds(41), ttl: .seconds(60))
        #expect(ttl.outdated && ttl.isDue(now: .seconds(41), ttl: .seconds(60), ttlRefresh: false))
        ttl.refreshSent(now: .seconds(42))
        ttl.refreshAnswered(accepted: true, now: .seconds(43), ttl: .seconds(60))
        #expect(!ttl.outdated && ttl.setAt == .seconds(42))
        ttl.outdated = true
        ttl.streamExists(created: false, now: .seconds(50))
        #expect(ttl.outdated, "found existing: its TTL is unknown, set it with the next publish")
        ttl.streamExists(created: true, now: .seconds(51))
        #expect(!ttl.outdated)
    }
}
