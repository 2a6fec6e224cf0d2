/// How many requests this relay may have in flight so that the Twilio account as a whole stays under its concurrency
/// limit (Twilio refuses past it with 429 and code 20429), from what Twilio says on every response
/// (`Twilio-Concurrent-Requests`, a `TwilioConcurrencyObservation`):
///
/// - the account's limit is `twilio.accountConcurrencyLimit` when the operator knows it, else what a 20429 taught:
///   the header of a refused request is past the limit, so the limit is at most one below it, and an accepted
///   request shows the account took that many at once. A learned limit is forgotten after `learnedLimitLifetime`
///   without a 20429 (a refusal may have been a passing one; the next wave teaches it again);
/// - what the account's other clients use is the highest `header - this relay's requests in flight` seen over the
///   last `window`;
/// - the cap is `limit - others - headroom(limit)`, at least 1 and at most `ceiling` (`twilio.maxConcurrentRequests`);
///   without a known limit it is `ceiling`.
///
/// It only keeps the relay's own requests within what is left; the AIMD cap after 20429s (`AccountConcurrencyLimit`)
/// still applies beside it (`PublishGate` takes the lower). Pure: the caller passes `now`.
public struct AccountConcurrencyBudget: Sendable, Equatable {
    /// How long an observation of the other clients (and of the account's concurrency, for the gauge) counts.
    public static let window: Duration = .seconds(10)
    /// How long a limit learned from a 20429 lasts without another.
    public static let learnedLimitLifetime: Duration = .seconds(600)

    /// The account's limit as configured (`twilio.accountConcurrencyLimit`), if any.
    public let configuredLimit: Int?
    /// The most requests in flight whatever the account says.
    public let ceiling: Int
    /// The limit learned from the last 20429s, if any (lowered by each refusal, raised by a larger accepted count).
    public private(set) var learnedLimit: Int?
    private var learnedAt = Instant(nanoseconds: .min / 2)
    /// `header - own requests in flight`, over the window.
    private var others: SlidingMaximum
    /// The header's values, over the window.
    private var concurrency: SlidingMaximum
    /// The cap on this relay's requests in flight, as of the last observation or `update`.
    public private(set) var cap: Int

    /// A budget for an account whose limit is `configuredLimit` (nil: unknown until a 20429), within `ceiling`.
    public init(configuredLimit: Int?, ceiling: Int, window: Duration = Self.window) {
        self.configuredLimit = configuredLimit.map { max(1, $0) }
        self.ceiling = max(1, ceiling)
        others = SlidingMaximum(window: window)
        concurrency = SlidingMaximum(window: window)
        cap = self.ceiling
        cap = computedCap(now: .zero)
    }

    /// The account's limit in force: the configured one, lowered by what a 20429 taught; nil when neither is known.
    public var accountLimit: Int? {
        switch (configuredLimit, learnedLimit) {
        case (let configured?, let learned?): min(configured, learned)
        case (let configured?, nil): configured
        case (nil, let learned?): learned
        case (nil, nil): nil
        }
    }

    /// The requests kept free under the account's limit: a twentieth of it, at least 1 (so that other clients'
    /// growth between two observations, and this relay's stream creations, which the cap does not count, fit).
    public static func headroom(accountLimit: Int) -> Int { max(1, accountLimit / 20) }

    /// A response said `observation` while this relay had `ownInFlight` requests in flight (the answered one
    /// included: its answer is handled after its observation). Returns whether the cap changed.
    @discardableResult
    public mutating func observed(
        _ observation: TwilioConcurrencyObservation, ownInFlight: Int, now: Instant
    ) -> Bool {
        let value = max(0, observation.concurrentRequests)
        concurrency.record(value, now: now)
        others.record(max(0, value - max(0, ownInFlight)), now: now)
        switch observation.answer {
        case .refusedForConcurrency:
            learnedLimit = max(1, min(learnedLimit ?? .max, value - 1))
            learnedAt = now
        case .accepted:
            if let learned = learnedLimit, value > learned { learnedLimit = value }
        case .other:
            break
        }
        return update(now: now)
    }

    /// Recomputes the cap at `now` (older observations leave the window; a learned limit may expire). Returns
    /// whether it changed.
    @discardableResult
    public mutating func update(now: Instant) -> Bool {
        if learnedLimit != nil, now - learnedAt >= Self.learnedLimitLifetime { learnedLimit = nil }
        let new = computedCap(now: now)
        defer { cap = new }
        return new != cap
    }

    /// The highest `Twilio-Concurrent-Requests` seen over the window ending at `now`, or nil when none was.
    public func recentConcurrency(now: Instant) -> Int? { concurrency.maximum(now: now) }

    /// The most requests the account's other clients had in flight over the window ending at `now` (0: none seen).
    public func othersInFlight(now: Instant) -> Int { others.maximum(now: now) ?? 0 }

    private func computedCap(now: Instant) -> Int {
        guard let limit = accountLimit else { return ceiling }
        let left = limit - othersInFlight(now: now) - Self.headroom(accountLimit: limit)
        return min(ceiling, max(1, left))
    }
}
