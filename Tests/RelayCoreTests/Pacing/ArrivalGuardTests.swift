import PropertyBased
import RelayCore
import Testing

@Suite struct ArrivalGuardTests {
    @Test func looksNoFurtherBackThanItsWindow() {
        var guardian = ArrivalGuard(window: 3)
        for index in 0..<2 {
            let ticket = guardian.sent(at: .seconds(Double(index)))
            #expect(ticket == UInt64(index))
        }
        #expect(guardian.earliestSend == nil)
        guardian.sent(at: .seconds(2))
        guardian.responded(ticket: 0, at: .seconds(0.01))
        // The attempt three back was sent at 0 s with the only (so the fastest) round trip: no excess.
        #expect(guardian.earliestSend == .seconds(1.002))
    }

    @Test func aHeldUpRequestHoldsTheMessageAWindowLaterByItsExcess() {
        var guardian = ArrivalGuard(window: 2)
        guardian.sent(at: .seconds(0))
        guardian.sent(at: .seconds(0.5))
        guardian.responded(ticket: 1, at: .seconds(0.501))  // 1 ms: the baseline
        guardian.responded(ticket: 0, at: .seconds(0.061))  // 61 ms: 60 ms late
        #expect(guardian.baselineLatency == .nanoseconds(1_000_000))
        #expect(guardian.earliestSend == .seconds(1.062))
        guardian.sent(at: .seconds(1.062))
        // Now the reference is ticket 1, answered at the baseline: only the window and the safety.
        #expect(guardian.earliestSend == .seconds(1.502))
    }

    @Test func anUnansweredRequestNothingOvertookHoldsUntilItsResponseOrAQuarterSecond() {
        var guardian = ArrivalGuard(window: 1)
        guardian.sent(at: .seconds(0))
        // Unanswered, and no later attempt answered (steady latency): 250 ms, not the one-second maximum.
        #expect(guardian.earliestSend == .seconds(1.252))
        guardian.responded(ticket: 0, at: .seconds(0.02))
        #expect(guardian.earliestSend == .seconds(1.002))
    }

    @Test func anOvertakenUnansweredRequestHoldsUntilItsResponseOrTheMaximum() {
        var guardian = ArrivalGuard(window: 2)
        guardian.sent(at: .seconds(0))
        guardian.sent(at: .seconds(0.5))
        guardian.responded(ticket: 1, at: .seconds(0.501))
        // Ticket 0 is still unanswered but ticket 1, sent after it, was answered: ticket 0 is held up.
        #expect(guardian.earliestSend == .seconds(2.002))
        guardian.responded(ticket: 0, at: Instant(nanoseconds: 700_000_000))  // 699 ms over the 1 ms baseline
        #expect(guardian.earliestSend == Instant(nanoseconds: 1_701_000_000))
    }

    @Test func theHoldNeverExceedsTheMaximum() {
        var guardian = ArrivalGuard(window: 1)
        guardian.sent(at: .seconds(0))
        guardian.responded(ticket: 0, at: .seconds(0.001))
        guardian.sent(at: .seconds(2))
        guardian.responded(ticket: 1, at: .seconds(7))  // 5 s late: held for the one-second maximum
        #expect(guardian.earliestSend == .seconds(4.002))
        guardian.sent(at: .seconds(8))
        guardian.responded(ticket: 2, at: Instant(nanoseconds: 8_601_000_000))  // 600 ms late: held for all of it
        #expect(guardian.earliestSend == Instant(nanoseconds: 9_602_000_000))
    }

    /// The baseline is the fastest round trip of the current period (`baselineHorizon`) and the one before: a
    /// faster one is taken at once, a lasting slower route is learnt within two periods.
    @Test func theBaselineIsTheFastestRoundTripOfTheLastTwoPeriods() {
        var guardian = ArrivalGuard(window: 2, baselineHorizon: .seconds(10))
        guardian.sent(at: .seconds(0))
        guardian.responded(ticket: 0, at: .seconds(0.001))  // 1 ms: the first period starts
        guardian.sent(at: .seconds(5))
        guardian.responded(ticket: 1, at: .seconds(5.2))
        #expect(guardian.baselineLatency == .nanoseconds(1_000_000))
        guardian.sent(at: .seconds(20))
        guardian.responded(ticket: 2, at: .seconds(20.2))  // a second period: the first (1 ms) is the previous one
        #expect(guardian.baselineLatency == .nanoseconds(1_000_000), "still within two periods")
        guardian.sent(at: .seconds(25))
        guardian.responded(ticket: 3, at: .seconds(25.15))
        guardian.sent(at: .seconds(31))
        guardian.responded(ticket: 4, at: .seconds(31.3))  // a third period: the first is forgotten
        #expect(guardian.baselineLatency == .nanoseconds(150_000_000), "the route got slower: learnt")
        guardian.sent(at: .seconds(32))
        guardian.responded(ticket: 5, at: .seconds(32.01))
        #expect(guardian.baselineLatency == .nanoseconds(10_000_000), "a faster round trip is taken at once")
    }

    @Test func forgottenAndRepeatedResponsesAreIgnored() {
        var guardian = ArrivalGuard(window: 1)
        guardian.sent(at: .seconds(0))
        guardian.sent(at: .seconds(1))
        guardian.responded(ticket: 0, at: .seconds(1.5))  // forgotten: the window holds ticket 1 only
        #expect(guardian.baselineLatency == nil)
        guardian.responded(ticket: 1, at: .seconds(1.01))
        guardian.responded(ticket: 1, at: .seconds(3))
        #expect(guardian.baselineLatency == .nanoseconds(10_000_000))
        #expect(guardian.earliestSend == .seconds(2.002))
    }

    @Test func resizingKeepsTheMostRecentAttempts() {
        var guardian = ArrivalGuard(window: 4)
        for index in 0..<4 { guardian.sent(at: .seconds(Double(index) / 4)) }
        guardian.resize(window: 2)
        #expect(guardian.nextTicket == 4)
        guardian.responded(ticket: 2, at: .seconds(0.51))
        #expect(guardian.earliestSend == .seconds(1.502))
    }

    /// The runtime's pacer (30/s less 1.5%, 2 ms catch-up, late wake-ups) over a simulated network whose requests
    /// are now and then held up on the way (up to 200 ms) or on the way back. Arrivals are what Twilio counts.
    /// With the guard no 31 arrivals ever fall in one second; without it they do (so the check can fail).
    @Test func heldUpRequestsNeverSqueezeThirtyOneArrivalsIntoASecond() async {
        await propertyCheck(count: 20, input: Gen.uint64()) { seed in
            let guarded = simulate(seed: seed, guardsArrivals: true, holdUpEvery: 20, seconds: 120)
            #expect(maximumInAnySecond(guarded.arrivals) <= 30)
            let unguarded = simulate(seed: seed, guardsArrivals: false, holdUpEvery: 20, seconds: 120)
            #expect(maximumInAnySecond(unguarded.arrivals) > 30)
        }
    }

    /// Hold-ups up to 900 ms (a receiver stalled for most of a second; two TCP retransmissions take 600 ms) are held
    /// for in full under the default one-second maximum. With a 250 ms maximum, the former default, such hold-ups
    /// (seeds 1 to 10) let 31 arrivals into a second (so the check can fail).
    @Test func holdUpsUpToASecondAreHeldForInFull() async {
        await propertyCheck(count: 20, input: Gen.uint64()) { seed in
            let guarded = simulate(
                seed: seed, guardsArrivals: true, holdUpEvery: 20, seconds: 120, longestHoldUp: 900_000_000)
            #expect(maximumInAnySecond(guarded.arrivals) <= 30)
        }
        let shortHold = (1...10).map { seed in
            maximumInAnySecond(
                simulate(
                    seed: UInt64(seed), guardsArrivals: true, holdUpEvery: 20, seconds: 120, longestHoldUp: 900_000_000,
                    maxHold: 250_000_000
                ).arrivals)
        }
        #expect(shortHold.max()! > 30)
    }

    /// What the one-second maximum costs: with one request in 2,000 held up by up to 900 ms (on the way out or, as
    /// often, harmlessly on the way back: the guard cannot tell), the guarded pacer sends at least 99% of what the
    /// pacer alone sends; with one in 200, at least 93% (measured 99.2% and 94.3% over these seeds; 99.6% and 97.4%
    /// with the 250 ms maximum, which let 31 arrivals into a second at one in 200).
    @Test func theOneSecondHoldCostsLittleWhileHoldUpsAreRare() {
        for (every, least) in [(2_000, 0.99), (200, 0.93)] {
            var guarded = 0
            var unguarded = 0
            for seed: UInt64 in 1...10 {
                let run = simulate(
                    seed: seed, guardsArrivals: true, holdUpEvery: every, seconds: 300, longestHoldUp: 900_000_000)
                #expect(maximumInAnySecond(run.arrivals) <= 30)
                guarded += run.count
                unguarded +=
                    simulate(
                        seed: seed, guardsArrivals: false, holdUpEvery: every, seconds: 300, longestHoldUp: 900_000_000
                    ).count
            }
            #expect(Double(guarded) >= least * Double(unguarded), "one in \(every) held up")
        }
    }

    /// Steady latency, however long, costs nothing: with 150 ms each way and no hold-ups, the guarded pacer sends
    /// at least 99.9% of what the pacer alone sends.
    @Test func steadyLatencyCostsNoRate() async {
        await propertyCheck(count: 5, input: Gen.uint64()) { seed in
            let guarded = simulate(seed: seed, guardsArrivals: true, holdUpEvery: nil, seconds: 300, leg: 150_000_000)
            let unguarded = simulate(
                seed: seed, guardsArrivals: false, holdUpEvery: nil, seconds: 300, leg: 150_000_000)
            #expect(Double(guarded.arrivals.count) >= 0.999 * Double(unguarded.arrivals.count))
            #expect(maximumInAnySecond(guarded.arrivals) <= 30)
        }
    }

    /// The seed CI drew in session 22: with a margin of six spreads over n, 31 arrivals fell within 999.89 ms of the
    /// stream's first second (its young baseline sat above the path's fastest round trip by more than the margin).
    @Test func aYoungBaselineHasMarginEnoughForSeed18273926789587069686() {
        let run = simulate(
            seed: 18_273_926_789_587_069_686, guardsArrivals: true, holdUpEvery: nil, seconds: 60, leg: 150_000_000,
            jitter: 30_000_000, jitterOut: true)
        #expect(maximumInAnySecond(run.arrivals) <= 30)
    }

    /// Round trips of 300 ms ± 30 ms (150 ms each way, the jitter on the way out, where it delays arrivals, or on
    /// the way back, where it is harmless but looks the same): no 31 arrivals ever fall in one second.
    @Test func jitteredRoundTripsNeverSqueezeThirtyOneArrivalsIntoASecond() async {
        await propertyCheck(count: 10, input: Gen.uint64()) { seed in
            for jitterOut in [true, false] {
                let run = simulate(
                    seed: seed, guardsArrivals: true, holdUpEvery: nil, seconds: 60, leg: 150_000_000,
                    jitter: 30_000_000, jitterOut: jitterOut)
                #expect(maximumInAnySecond(run.arrivals) <= 30)
            }
        }
    }

    /// What jitter costs. The guard cannot tell a request that arrived late from one whose answer came back late,
    /// so it holds a send a window later for either; any sound guard then sends at most 30 per (1 s + the mean
    /// excess). A hold used to push every later send back as well (the pacer spaced the next send from the held
    /// one): the guarded pacer sent 99.0%, 98.2% and 96.7% of what the pacer alone sends with ±15, ±20 and ±30 ms.
    /// A hold now delays only the send it is for: 99.8%, 99.1% and 97.7% over these seeds (99.8%, 99.2% and 97.8%
    /// before the baseline's margin went from six to ten spreads over n).
    @Test func aHoldDelaysOnlyTheSendItIsFor() {
        for (jitter, least) in [(15_000_000 as Int64, 0.995), (20_000_000, 0.985), (30_000_000, 0.975)] {
            var guarded = 0
            var unguarded = 0
            for seed: UInt64 in 1...5 {
                guarded +=
                    simulate(
                        seed: seed, guardsArrivals: true, holdUpEvery: nil, seconds: 120, leg: 150_000_000,
                        jitter: jitter, jitterOut: false
                    ).count
                unguarded +=
                    simulate(
                        seed: seed, guardsArrivals: false, holdUpEvery: nil, seconds: 120, leg: 150_000_000,
                        jitter: jitter, jitterOut: false
                    ).count
            }
            let share = Double(guarded) / Double(unguarded)
            #expect(share >= least, "±\(jitter / 1_000_000) ms: \(share)")
        }
    }

    /// A round-trip floor below the guard's own baseline (the fastest recent round trip of any stream, which the
    /// engine passes in) counts the difference as excess; a floor above it changes nothing.
    @Test func aFloorBelowTheBaselineCountsTheDifferenceAsExcess() {
        var guardian = ArrivalGuard(window: 2)
        guardian.sent(at: .seconds(0))
        guardian.sent(at: .seconds(0.5))
        guardian.responded(ticket: 0, at: .seconds(0.2))  // both waited 200 ms: that is this guard's baseline
        guardian.responded(ticket: 1, at: .seconds(0.7))
        #expect(guardian.earliestSend == .seconds(1.002))
        #expect(guardian.earliestSend(roundTripFloor: 1_000_000) == .seconds(1.201))
        #expect(guardian.earliestSend(roundTripFloor: 300_000_000) == .seconds(1.002))
        #expect(guardian.earliestSend(roundTripFloor: 0) == .seconds(1.202))
    }

    /// The relay's start with thousands of streams: every request of a stream's first window waits 100 ms in a
    /// queue on its way out, so the stream's own fastest round trip includes the wait; then the queue empties.
    /// Measured from that baseline, the wait is no excess, and the first message a window later arrives within a
    /// second of the first (31 arrivals in a second: so the check can fail). Measured from the round-trip floor
    /// (another stream's request that did not wait), it is held for the wait and no second holds 31.
    @Test func aQueueAtTheStartIsHeldForWithTheRoundTripFloor() {
        for seed: UInt64 in 1...10 {
            let own = simulateQueueAtStart(seed: seed, roundTripFloor: nil)
            #expect(maximumInAnySecond(own) > 30, "seed \(seed)")
            let floored = simulateQueueAtStart(seed: seed, roundTripFloor: 600_000)
            #expect(maximumInAnySecond(floored) <= 30, "seed \(seed)")
            #expect(floored.count >= 280, "seed \(seed): \(floored.count) in 10 s")
        }
    }

    /// Ten seconds through a guarded pacer; each request takes 0.3 ms (plus up to 0.5 ms) each way, and before
    /// 1.1 s, 100 ms more on the way out (a queue). Returns the arrival instants.
    private func simulateQueueAtStart(seed: UInt64, roundTripFloor: Int64?) -> [Instant] {
        var rng = SeededGenerator(seed: seed)
        var pacer = StreamPacer(
            settings: PacerSettings(rate: 30 * 0.985, catchUp: .milliseconds(2), guardsArrivals: true))
        var pending: [(at: Instant, ticket: UInt64)] = []
        var arrivals: [Instant] = []
        var now = Instant.zero
        while now < .seconds(10) {
            let due = pacer.nextAdmission(now: now, roundTripFloor: roundTripFloor)
            let answered = pending.filter { $0.at <= due }.sorted { $0.at < $1.at }
            if !answered.isEmpty {
                for response in answered { pacer.responded(ticket: response.ticket, now: response.at) }
                pending.removeAll { $0.at <= due }
                now = max(now, answered.last!.at)
                continue
            }
            now = due + .nanoseconds(Int64.random(in: 0...1_000_000, using: &rng))
            let ticket = pacer.nextTicket
            guard pacer.admit(now: now, roundTripFloor: roundTripFloor) else { continue }
            let queued: Int64 = now < .seconds(1.1) ? 100_000_000 : 0
            let out = 300_000 + queued + Int64.random(in: 0...500_000, using: &rng)
            let back = 300_000 + Int64.random(in: 0...500_000, using: &rng)
            arrivals.append(now + .nanoseconds(out))
            pending.append((now + .nanoseconds(out + back), ticket))
        }
        return arrivals.sorted()
    }

    /// Sends through a pacer for `seconds`; each request takes `leg` (plus up to 0.5 ms) each way, and one in
    /// `holdUpEvery` is held up by up to `longestHoldUp` on the way out or back. `jitter` moves every request's way
    /// out (`jitterOut`) or back by a uniform draw within ±`jitter`. Returns the arrival instants. `maxHold` replaces
    /// the guard's default maximum hold.
    private func simulate(
        seed: UInt64, guardsArrivals: Bool, holdUpEvery: Int?, seconds: Double, leg: Int64 = 300_000,
        longestHoldUp: Int64 = 200_000_000, maxHold: Int64? = nil, jitter: Int64 = 0, jitterOut: Bool = true
    ) -> (arrivals: [Instant], count: Int) {
        var rng = SeededGenerator(seed: seed)
        var pacer = StreamPacer(
            settings: PacerSettings(
                rate: 30 * 0.985, catchUp: .milliseconds(2), guardsArrivals: guardsArrivals,
                arrivalGuardMaxHold: maxHold.map { .nanoseconds($0) } ?? ArrivalGuard.defaultMaxHold))
        var pending: [(at: Instant, ticket: UInt64)] = []  // responses not yet seen
        var arrivals: [Instant] = []
        var now = Instant.zero
        while now < .seconds(seconds) {
            let due = pacer.nextAdmission(now: now)
            let answered = pending.filter { $0.at <= due }.sorted { $0.at < $1.at }
            if !answered.isEmpty {
                for response in answered { pacer.responded(ticket: response.ticket, now: response.at) }
                pending.removeAll { $0.at <= due }
                now = max(now, answered.last!.at)
                continue  // a response may move the next admission
            }
            now = due + .nanoseconds(Int64.random(in: 0...3_000_000, using: &rng))  // a late wake-up
            let ticket = pacer.nextTicket
            guard pacer.admit(now: now) else { continue }
            var out = leg + Int64.random(in: 0...500_000, using: &rng)
            var back = leg + Int64.random(in: 0...500_000, using: &rng)
            if jitter > 0 {
                let moved = Int64.random(in: -jitter...jitter, using: &rng)
                if jitterOut { out += moved } else { back += moved }
            }
            if let holdUpEvery, Int.random(in: 0..<holdUpEvery, using: &rng) == 0 {
                let hold = Int64.random(in: 0...longestHoldUp, using: &rng)
                if Bool.random(using: &rng) { out += hold } else { back += hold }
            }
            arrivals.append(now + .nanoseconds(out))
            pending.append((now + .nanoseconds(out + back), ticket))
        }
        return (arrivals.sorted(), arrivals.count)
    }
}
