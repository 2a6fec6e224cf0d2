/// The one way the relay waits longer after each failure: `initial`, multiplied by `multiplier` after every further
/// failure, never more than `maximum`. Publishes retry with it jittered (`RetryPlanner`); stream creates, dead-letter
/// writes, schema fetches and the start-up probe of Twilio wait its plain delay.
public struct Backoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration
    /// The longest wait.
    public var maximum: Duration
    /// Growth per failure (at least 1).
    public var multiplier: Double

    /// A backoff from `initial` up to `maximum`, growing by `multiplier`.
    public init(initial: Duration, maximum: Duration, multiplier: Double = 2) {
        precondition(initial > .zero && maximum >= initial && multiplier >= 1, "bad backoff")
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
    }

    /// The wait after `failures` failures in a row (1 or less: `initial`).
    public func delay(afterFailures failures: Int) -> Duration {
        .nanoseconds(Int64(fullNanoseconds(afterFailures: failures)))
    }

    /// `delay(afterFailures:)` with equal jitter: half of it, plus a random part of the other half, so that the
    /// retries of many streams spread out but none comes back sooner than half the delay.
    public func jitteredDelay<Random: RandomNumberGenerator>(
        afterFailures failures: Int, using random: inout Random
    ) -> Duration {
        let full = fullNanoseconds(afterFailures: failures)
        return .nanoseconds(Int64(full / 2 + Double.random(in: 0...1, using: &random) * full / 2))
    }

    private func fullNanoseconds(afterFailures failures: Int) -> Double {
        var factor = 1.0
        var remaining = max(0, min(failures - 1, 64))
        while remaining > 0 && factor < 1e30 {
            factor *= multiplier
            remaining -= 1
        }
        return min(Double(maximum.nanosecondsClamped), Double(initial.nanosecondsClamped) * factor)
    }
}
