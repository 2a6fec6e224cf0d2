import RelayCore
import Testing

@Suite("Account-wide concurrency after 20429")
struct AccountConcurrencyLimitTests {
    @Test func uncappedUntilTheFirst20429ThenHalvesWhatWasInFlight() {
        var limit = AccountConcurrencyLimit()
        #expect(limit.limit == nil)
        let changed1 = limit.accountRateLimited(inFlight: 16, now: .seconds(10))
        #expect(changed1)
        #expect(limit.limit == 8)
    }

    @Test func oneWaveOfRefusalsCountsOnce() {
        var limit = AccountConcurrencyLimit()
        limit.accountRateLimited(inFlight: 16, now: .seconds(10))
        let sameWave = limit.accountRateLimited(inFlight: 8, now: .seconds(10) + .milliseconds(500))
        #expect(!sameWave)
        #expect(limit.limit == 8)
        let changed2 = limit.accountRateLimited(inFlight: 8, now: .seconds(11))
        #expect(changed2)
        #expect(limit.limit == 4)
    }

    @Test func neverBelowOne() {
        var limit = AccountConcurrencyLimit()
        for second in 0..<10 { limit.accountRateLimited(inFlight: 3, now: .seconds(Double(second))) }
        #expect(limit.limit == 1)
        limit.accountRateLimited(inFlight: 0, now: .seconds(20))
        #expect(limit.limit == 1)
    }

    @Test func recoversByOneASecondThenLiftsTheCap() {
        var limit = AccountConcurrencyLimit()
        limit.accountRateLimited(inFlight: 6, now: .seconds(0))  // cap 3, lifted again at 6
        let changed3 = limit.succeeded(now: .seconds(0.999))
        #expect(!changed3)
        let changed4 = limit.succeeded(now: .seconds(1))
        #expect(changed4)
        #expect(limit.limit == 4)
        let changed5 = limit.succeeded(now: .seconds(1.5))
        #expect(!changed5)
        let changed6 = limit.succeeded(now: .seconds(2))
        #expect(changed6)
        #expect(limit.limit == 5)
        let changed7 = limit.succeeded(now: .seconds(3))
        #expect(changed7)
        #expect(limit.limit == nil)
        let changed8 = limit.succeeded(now: .seconds(10))
        #expect(!changed8)
    }

    @Test func aNew20429DuringRecoveryHalvesTheCurrentCap() {
        var limit = AccountConcurrencyLimit()
        limit.accountRateLimited(inFlight: 20, now: .seconds(0))  // 10
        limit.succeeded(now: .seconds(1))  // 11
        limit.accountRateLimited(inFlight: 11, now: .seconds(2))  // 5
        #expect(limit.limit == 5)
    }
}
