import RelayCore
import Testing

@Suite struct ObjectPacerTests {
    @Test func aWriteCostsItsSizeInKibibytesAndAtLeastOne() {
        #expect(ObjectPacer.cost(dataBytes: 0) == 1024)
        #expect(ObjectPacer.cost(dataBytes: 1024) == 1024)
        #expect(ObjectPacer.cost(dataBytes: 1025) == 1025)
        #expect(ObjectPacer.cost(dataBytes: 10 * 1024) == 10 * 1024)
    }

    @Test func smallWritesFillTheBudgetThenWaitForTheOldestToLeaveTheWindow() {
        var pacer = ObjectPacer(rate: 10, window: .seconds(1))
        let start = Instant.seconds(5)
        for index in 0..<10 {
            let admitted = pacer.admit(cost: 1024, now: start + .milliseconds(index))
            #expect(admitted, "write \(index)")
        }
        let eleventh = pacer.admit(cost: 1024, now: start + .milliseconds(10))
        #expect(!eleventh)
        let next = pacer.nextAdmission(cost: 1024, now: start + .milliseconds(10))
        #expect(next == start + .seconds(1))
        let early = pacer.admit(cost: 1024, now: next - .nanoseconds(1))
        #expect(!early)
        let onTime = pacer.admit(cost: 1024, now: next)
        #expect(onTime)
    }

    @Test func largeWritesTakeMoreOfTheBudget() {
        var pacer = ObjectPacer(rate: 20, window: .seconds(1))
        let now = Instant.seconds(1)
        let first = pacer.admit(cost: ObjectPacer.cost(dataBytes: 10 * 1024), now: now)
        let second = pacer.admit(cost: ObjectPacer.cost(dataBytes: 10 * 1024), now: now)
        let third = pacer.admit(cost: ObjectPacer.cost(dataBytes: 10 * 1024), now: now)
        #expect(first && second && !third, "two 10 KiB writes per second, as Twilio allows")
        #expect(pacer.unitsInWindow(now: now) == 20)
    }

    @Test func aWriteLargerThanTheBudgetGoesAloneIntoAnEmptyWindow() {
        var pacer = ObjectPacer(rate: 10, window: .seconds(1))
        let start = Instant.seconds(1)
        let small = pacer.admit(cost: 1024, now: start)
        #expect(small)
        let big = 16 * 1024
        let refused = pacer.admit(cost: big, now: start + .milliseconds(10))
        #expect(!refused)
        let next = pacer.nextAdmission(cost: big, now: start + .milliseconds(10))
        #expect(next == start + .seconds(1))
        let alone = pacer.admit(cost: big, now: next)
        #expect(alone)
        let after = pacer.nextAdmission(cost: 1024, now: next)
        #expect(after == next + .seconds(1), "nothing shares the window with it")
    }

    /// Whatever the sizes and arrival times, no window of the pacer's length ever holds more than the budget, or one
    /// write alone: checked over random write streams by replaying the admitted times.
    @Test func noWindowEverHoldsMoreThanTheBudgetOrOneWrite() {
        var random = SeededGenerator(seed: 42)
        for rate in [1, 5, 10, 20] {
            var pacer = ObjectPacer(rate: rate, window: .milliseconds(1100))
            var now = Instant.zero
            var admitted: [(at: Instant, cost: Int)] = []
            for _ in 0..<2000 {
                let cost = ObjectPacer.cost(dataBytes: Int.random(in: 0...(16 * 1024), using: &random))
                now = now + .milliseconds(Int64.random(in: 0...80, using: &random))
                let at = pacer.nextAdmission(cost: cost, now: now)
                #expect(at >= now)
                let ok = pacer.admit(cost: cost, now: at)
                #expect(ok, "nextAdmission promised \(at)")
                admitted.append((at, cost))
                now = at
            }
            for (index, write) in admitted.enumerated() {
                let inWindow = admitted[index...].prefix { $0.at - write.at < .milliseconds(1100) }
                let total = inWindow.reduce(0) { $0 + $1.cost }
                #expect(total <= max(rate * 1024, inWindow.count == 1 ? total : 0), "rate \(rate) at \(write.at)")
            }
        }
    }

    @Test func aRateLimitedObjectWaitsForRetryAfter() {
        var pacer = ObjectPacer(rate: 10)
        let now = Instant.seconds(3)
        pacer.rateLimited(retryAfter: .seconds(2), now: now)
        let refused = pacer.admit(cost: 1024, now: now + .seconds(1))
        #expect(!refused)
        #expect(pacer.nextAdmission(cost: 1024, now: now) == now + .seconds(2))
        #expect(!pacer.isIdle(now: now + .seconds(1)))
        let admitted = pacer.admit(cost: 1024, now: now + .seconds(2))
        #expect(admitted)
    }

    @Test func anObjectIsIdleOnceItsWindowHasEmptied() {
        var pacer = ObjectPacer(rate: 10, window: .seconds(1))
        let now = Instant.seconds(1)
        #expect(pacer.isIdle(now: now))
        _ = pacer.admit(cost: 1024, now: now)
        #expect(!pacer.isIdle(now: now + .milliseconds(999)))
        #expect(pacer.isIdle(now: now + .seconds(1)))
    }

    @Test func aLowerRateAppliesToTheNextWrite() {
        var pacer = ObjectPacer(rate: 10, window: .seconds(1))
        let now = Instant.seconds(1)
        for _ in 0..<3 { _ = pacer.admit(cost: 1024, now: now) }
        pacer.setRate(3)
        let refused = pacer.admit(cost: 1024, now: now)
        #expect(!refused)
        #expect(pacer.nextAdmission(cost: 1024, now: now) == now + .seconds(1))
    }
}
