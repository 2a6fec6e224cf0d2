import Foundation

/// How the emulator enforces Twilio's 30 messages per second per stream.
public enum EmulatorRateLimit: Sendable, Hashable {
    /// No 31st message in any sliding one-second window: the strictest reading of the limit, for tests that prove a
    /// pacer never exceeds it.
    case strict(perSecond: Int = 30)
    /// Twilio-like: a token bucket refilled at `perSecond` holding up to `burst` messages, so short bursts above the
    /// rate are accepted.
    case burst(perSecond: Int = 30, burst: Int = 60)
    /// No limit (benchmarks).
    case unlimited
}

/// One stream's rate-limit state. A pure value: `admit` is given the time.
struct StreamRateLimiter: Sendable {
    let rule: EmulatorRateLimit
    /// Strict mode: arrival times of the most recent accepted messages (at most `perSecond`).
    private var recent: [Date] = []
    /// Burst mode: tokens available at `refilledAt`.
    private var tokens: Double
    private var refilledAt: Date?

    init(rule: EmulatorRateLimit) {
        self.rule = rule
        if case .burst(_, let burst) = rule { tokens = Double(burst) } else { tokens = 0 }
    }

    /// Admits a message arriving at `now` (recording it) or refuses it.
    mutating func admit(at now: Date) -> Bool {
        switch rule {
        case .unlimited:
            return true
        case .strict(let perSecond):
            if recent.count >= perSecond, let oldest = recent.first, now.timeIntervalSince(oldest) < 1 {
                return false
            }
            recent.append(now)
            if recent.count > perSecond { recent.removeFirst(recent.count - perSecond) }
            return true
        case .burst(let perSecond, let burst):
            if let refilledAt {
                let elapsed = max(0, now.timeIntervalSince(refilledAt))
                tokens = min(Double(burst), tokens + elapsed * Double(perSecond))
            }
            refilledAt = now
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }
}
