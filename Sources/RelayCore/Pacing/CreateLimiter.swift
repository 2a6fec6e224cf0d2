/// Paces stream creation across the account, so that a burst of new keys does not hammer Twilio's Streams endpoint:
/// a token bucket of `rate` creates per second holding a small burst, 10 creates or a tenth of a second's worth when
/// that is more (never more than `rate`), so a relay starting with a few streams creates them at once and no sliding
/// second sees more than `rate` plus that burst. A 429 on a create (54009, 20429 or another code) halves the rate
/// (at least 1 per second) and stops creates until its `Retry-After` (capped) or one second has passed, when one
/// create may go; every success a second after the last change raises the rate by one, back up to the configured
/// one. Pure: the caller passes `now`.
public struct CreateLimiter: Sendable, Equatable {
    /// The configured creates per second.
    public let configuredRate: Int
    /// The rate in force (lower than `configuredRate` after a 429).
    public private(set) var rate: Int
    private var tokens: Double
    /// The most tokens held: 10, or a tenth of a second's worth when more, never more than `rate`.
    private var capacity: Double { Self.capacity(rate: rate) }

    static func capacity(rate: Int) -> Double { min(Double(rate), max(Double(rate) / 10, 10)) }
    private var refilledAt: Instant?
    /// No create before this (after a 429).
    public private(set) var pausedUntil: Instant?
    private var lastChange = Instant(nanoseconds: .min / 2)

    /// A limiter allowing `rate` creates per second.
    public init(rate: Int) {
        configuredRate = max(1, rate)
        self.rate = configuredRate
        tokens = Self.capacity(rate: configuredRate)
    }

    private mutating func refill(now: Instant) {
        if let refilledAt, now > refilledAt {
            tokens = min(capacity, tokens + Double(now.nanoseconds - refilledAt.nanoseconds) * Double(rate) / 1e9)
        }
        refilledAt = max(refilledAt ?? now, now)
    }

    /// Takes a token for one create at `now`, or returns false (ask `nextToken(now:)` when to try again).
    public mutating func take(now: Instant) -> Bool {
        if let pausedUntil, now < pausedUntil { return false }
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token is there.
    public mutating func nextToken(now: Instant) -> Instant {
        if let pausedUntil, now < pausedUntil { return pausedUntil }
        refill(now: now)
        guard tokens < 1 else { return now }
        return now + .nanoseconds(Int64(((1 - tokens) * 1e9 / Double(rate)).rounded(.up)))
    }

    /// Twilio refused a create with 429: halve the rate (once per second) and wait `retryAfter` (or one second).
    public mutating func rateLimited(retryAfter: Duration?, now: Instant) {
        pausedUntil = ObjectPacer.pause(pausedUntil, retryAfter: retryAfter, now: now)
        tokens = 1  // one create at the end of the pause, then the lowered rate
        refilledAt = pausedUntil
        guard now - lastChange >= .seconds(1) else { return }
        lastChange = now
        rate = max(1, rate / 2)
    }

    /// A create succeeded: after a second without change, raise the rate by one (up to the configured rate).
    public mutating func succeeded(now: Instant) {
        guard rate < configuredRate, now - lastChange >= .seconds(1) else { return }
        lastChange = now
        rate += 1
    }
}
