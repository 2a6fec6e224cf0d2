import PropertyBased
import RelayCore
import Testing

@Suite struct RetryPlannerTests {
    private let now = Instant.seconds(100)

    private func decide(
        _ outcome: PublishOutcome, attempts: Int = 1, recreations: Int = 0, policy: RetryPolicy = RetryPolicy()
    ) -> RetryDecision {
        var random = SeededGenerator(seed: 1)
        return RetryPlanner(policy: policy).decide(
            outcome: outcome, history: AttemptHistory(attempts: attempts, recreations: recreations), now: now,
            using: &random)
    }

    @Test func acceptedIsDone() {
        #expect(decide(.accepted) == .done)
        #expect(decide(.alreadyExists) == .done)
    }

    @Test func retryAfterIsHonouredAndCapped() {
        #expect(
            decide(.rateLimited(scope: .stream, retryAfter: .seconds(3)))
                == .retry(at: now + .seconds(3), reason: .streamRateLimited))
        #expect(
            decide(.rateLimited(scope: .account, retryAfter: .seconds(3600)))
                == .retry(at: now + .seconds(60), reason: .accountRateLimited))
        #expect(RetryReason.accountRateLimited.lowersAccountConcurrency)
        #expect(RetryReason.streamRateLimited.pausesStream)
    }

    @Test func rateLimitWithoutRetryAfterBacksOff() {
        guard case .retry(let at, .rateLimited) = decide(.rateLimited(scope: .unspecified, retryAfter: nil)) else {
            Issue.record("expected a retry")
            return
        }
        #expect(at >= now + .milliseconds(125) && at <= now + .milliseconds(250))
    }

    @Test func notFoundRecreatesThenGivesUp() {
        #expect(decide(.notFound(twilioCode: 20404)) == .recreateStreamThenRetry(at: now))
        #expect(decide(.notFound(twilioCode: 20404), recreations: 3) == .deadLetter(reason: .streamMissing))
    }

    @Test func rejectionsGiveUpLoudly() {
        #expect(decide(.tooLarge(twilioCode: 54006)) == .deadLetter(reason: .tooLarge))
        #expect(
            decide(.invalid(status: 400, twilioCode: 54008), policy: RetryPolicy(giveUp: .drop))
                == .drop(reason: .rejected(status: 400, twilioCode: 54008)))
    }

    @Test func unauthorizedHoldsAndRetriesSlowly() {
        #expect(
            decide(.unauthorized(status: 401, twilioCode: 20003), attempts: 50)
                == .holdUnhealthy(retryAt: now + .seconds(30)))
    }

    @Test func transientFailuresRetryWithoutLimitByDefault() {
        let outcomes: [PublishOutcome] = [
            .serverError(status: 503, twilioCode: nil), .timeout, .transportError(reason: "reset"),
        ]
        for outcome in outcomes {
            guard case .retry(let at, _) = decide(outcome, attempts: 10_000) else {
                Issue.record("expected a retry for \(outcome)")
                continue
            }
            #expect(at <= now + .seconds(30) && at >= now + .seconds(15))
        }
    }

    @Test func maxAttemptsEndsTransientRetries() {
        let policy = RetryPolicy(maxAttempts: 5)
        #expect(decide(.timeout, attempts: 4, policy: policy) != .deadLetter(reason: .retriesExhausted))
        #expect(decide(.timeout, attempts: 5, policy: policy) == .deadLetter(reason: .retriesExhausted))
    }

    @Test func backoffGrowsWithinJitterBoundsAndCap() async {
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.int(in: 1...80)) { seed, attempt in
            var random = SeededGenerator(seed: seed)
            let planner = RetryPlanner()
            let delay = planner.backoff(attempt: attempt, using: &random)
            let full = min(30.0, 0.25 * Double(1 << min(attempt - 1, 20)))
            #expect(delay >= .seconds(full / 2) - .nanoseconds(1))
            #expect(delay <= .seconds(full))
        }
    }
}
