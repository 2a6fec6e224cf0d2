/// Decides what to do after a publish outcome: a pure function of the outcome, the attempt history, `now` and a
/// random source (for jitter), under a `RetryPolicy`. No I/O, no clock, no state.
public struct RetryPlanner: Sendable {
    /// The limits applied.
    public let policy: RetryPolicy

    /// A planner applying `policy`.
    public init(policy: RetryPolicy = RetryPolicy()) {
        self.policy = policy
    }

    /// The decision for `outcome` of the attempt described by `history`, at `now`.
    ///
    /// - 2xx (and `alreadyExists`, which answers a create): done.
    /// - 429: at `Retry-After` (capped) when given, else jittered exponential backoff.
    /// - 5xx, timeouts, transport errors: jittered exponential backoff, capped; unlimited unless `maxAttempts`.
    /// - 404: recreate the stream and retry at once, up to `maxRecreations` times.
    /// - 54006 and other 4xx: give up (dead-letter or drop).
    /// - 401/403: hold, mark unhealthy, retry every `unauthorizedRetryInterval`.
    public func decide<Random: RandomNumberGenerator>(
        outcome: PublishOutcome, history: AttemptHistory, now: Instant, using random: inout Random
    ) -> RetryDecision {
        switch outcome {
        case .accepted, .alreadyExists:
            return .done
        case .notFound:
            guard history.recreations < policy.maxRecreations else { return giveUp(.streamMissing) }
            return .recreateStreamThenRetry(at: now)
        case .tooLarge:
            return giveUp(.tooLarge)
        case .invalid(let status, let code):
            return giveUp(.rejected(status: status, twilioCode: code))
        case .unauthorized:
            return .holdUnhealthy(retryAt: now + policy.unauthorizedRetryInterval)
        case .rateLimited(let scope, let retryAfter):
            let reason: RetryReason =
                switch scope {
                case .stream: .streamRateLimited
                case .account: .accountRateLimited
                case .unspecified: .rateLimited
                }
            if let exhausted = exhaustion(history) { return exhausted }
            if let retryAfter, retryAfter > .zero {
                return .retry(at: now + min(retryAfter, policy.maxRetryAfter), reason: reason)
            }
            return .retry(at: now + backoff(attempt: history.attempts, using: &random), reason: reason)
        case .serverError:
            return transient(.serverError, history, now, &random)
        case .transportError:
            return transient(.transportError, history, now, &random)
        case .timeout:
            return transient(.timeout, history, now, &random)
        }
    }

    /// The backoff after attempt `attempt` (1-based): the policy's `Backoff`, with equal jitter.
    public func backoff<Random: RandomNumberGenerator>(attempt: Int, using random: inout Random) -> Duration {
        policy.backoff.jitteredDelay(afterFailures: attempt, using: &random)
    }

    private func transient<Random: RandomNumberGenerator>(
        _ reason: RetryReason, _ history: AttemptHistory, _ now: Instant, _ random: inout Random
    ) -> RetryDecision {
        if let exhausted = exhaustion(history) { return exhausted }
        return .retry(at: now + backoff(attempt: history.attempts, using: &random), reason: reason)
    }

    private func exhaustion(_ history: AttemptHistory) -> RetryDecision? {
        guard let maxAttempts = policy.maxAttempts, history.attempts >= maxAttempts else { return nil }
        return giveUp(.retriesExhausted)
    }

    private func giveUp(_ reason: GiveUpReason) -> RetryDecision {
        switch policy.giveUp {
        case .deadLetter: .deadLetter(reason: reason)
        case .drop: .drop(reason: reason)
        }
    }
}
