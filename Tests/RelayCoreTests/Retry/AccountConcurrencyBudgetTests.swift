import RelayCore
import Testing

/// `AccountConcurrencyBudget` on a manual timeline: the cap on this relay's requests in flight from the account's
/// limit, what its other clients use (from `Twilio-Concurrent-Requests`) and a headroom.
@Suite("Account concurrency budget")
struct AccountConcurrencyBudgetTests {
    func seen(_ value: Int, _ answer: TwilioConcurrencyObservation.Answer = .accepted) -> TwilioConcurrencyObservation {
        TwilioConcurrencyObservation(concurrentRequests: value, answer: answer)
    }

    @Test func withoutAKnownLimitTheCeilingHolds() {
        var budget = AccountConcurrencyBudget(configuredLimit: nil, ceiling: 64)
        #expect(budget.cap == 64)
        budget.observed(seen(90), ownInFlight: 10, now: .seconds(1))
        #expect(budget.cap == 64, "others are watched, but with no limit known there is nothing to keep under")
        #expect(budget.recentConcurrency(now: .seconds(1)) == 90)
        #expect(budget.othersInFlight(now: .seconds(1)) == 80)
    }

    @Test func aConfiguredLimitLeavesRoomForTheOtherClientsAndAHeadroom() {
        var budget = AccountConcurrencyBudget(configuredLimit: 100, ceiling: 256)
        #expect(budget.cap == 95, "100 minus a headroom of 5 before anything is seen")
        let changed = budget.observed(seen(50), ownInFlight: 20, now: .seconds(1))  // others: 30
        #expect(changed)
        #expect(budget.cap == 65)
        budget.observed(seen(45), ownInFlight: 35, now: .seconds(2))  // others: 10, but 30 is the window's maximum
        #expect(budget.cap == 65)
        budget.update(now: .seconds(11.5))  // the 30 left the window
        #expect(budget.cap == 85)
        budget.update(now: .seconds(12.5))  // the 10 too: none seen
        #expect(budget.cap == 95)
    }

    @Test func neverBelowOneNorAboveTheCeiling() {
        var budget = AccountConcurrencyBudget(configuredLimit: 100, ceiling: 16)
        #expect(budget.cap == 16)
        budget.observed(seen(140), ownInFlight: 1, now: .seconds(1))  // others use more than the limit
        #expect(budget.cap == 1)
    }

    @Test func aRefusalTeachesTheLimitWhenNoneIsConfigured() {
        var budget = AccountConcurrencyBudget(configuredLimit: nil, ceiling: 64)
        budget.observed(seen(20), ownInFlight: 16, now: .seconds(1))
        #expect(budget.cap == 64)
        budget.observed(seen(31, .refusedForConcurrency), ownInFlight: 24, now: .seconds(2))
        #expect(budget.accountLimit == 30, "the refused request was past the limit")
        #expect(budget.cap == 30 - 7 - 1, "others: the 7 of the refusal (31 - 24); headroom 1")
        budget.observed(seen(33, .refusedForConcurrency), ownInFlight: 24, now: .seconds(2))
        #expect(budget.accountLimit == 30, "a refusal never raises it")
        budget.observed(seen(29, .refusedForConcurrency), ownInFlight: 20, now: .seconds(2))
        #expect(budget.accountLimit == 28)
        budget.observed(seen(30), ownInFlight: 20, now: .seconds(3))
        #expect(budget.accountLimit == 30, "the account took 30 at once: the limit is at least that")
        budget.observed(seen(12, .other), ownInFlight: 1, now: .seconds(4))
        #expect(budget.accountLimit == 30)
    }

    @Test func aLearnedLimitIsForgottenAfterItsLifetimeWithoutARefusal() {
        var budget = AccountConcurrencyBudget(configuredLimit: nil, ceiling: 64)
        budget.observed(seen(11, .refusedForConcurrency), ownInFlight: 11, now: .seconds(0))
        #expect(budget.cap == 9)
        budget.update(now: .seconds(599))
        #expect(budget.cap == 9)
        let changed = budget.update(now: .seconds(600))
        #expect(changed)
        #expect(budget.accountLimit == nil)
        #expect(budget.cap == 64)
    }

    @Test func aConfiguredLimitIsLoweredByARefusalBelowIt() {
        var budget = AccountConcurrencyBudget(configuredLimit: 100, ceiling: 256)
        budget.observed(seen(61, .refusedForConcurrency), ownInFlight: 61, now: .seconds(0))
        #expect(budget.accountLimit == 60)
        #expect(budget.cap == 60 - 3)
        budget.update(now: .seconds(600))
        #expect(budget.accountLimit == 100, "the configured limit comes back when the learned one is forgotten")
    }

    @Test func junkCountsDoNotTurnNegative() {
        var budget = AccountConcurrencyBudget(configuredLimit: 10, ceiling: 8)
        budget.observed(seen(-5), ownInFlight: 3, now: .seconds(0))
        #expect(budget.othersInFlight(now: .seconds(0)) == 0)
        #expect(budget.cap == 8)
    }
}
