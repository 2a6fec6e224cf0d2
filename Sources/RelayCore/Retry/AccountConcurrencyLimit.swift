/// How many publishes the relay may have in flight across all streams, after Twilio said the account as a whole
/// is sending too much (429 with code 20429). Additive increase, multiplicative decrease, like TCP:
///
/// - uncapped until the first 20429;
/// - each 20429 halves the cap (from the publishes in flight at the time, when uncapped), at least 1, and at most
///   once per `recoveryInterval` (one wave of refusals counts once);
/// - each success after `recoveryInterval` without a 20429 raises the cap by one, and once it is back to where it
///   was first lowered from, the cap is lifted.
///
/// Pure: the caller passes `now`.
public struct AccountConcurrencyLimit: Sendable, Equatable {
    /// The cap, or nil when there is none.
    public private(set) var limit: Int?
    /// How long after a change the next one may come.
    public let recoveryInterval: Duration
    private var lastChange = Instant(nanoseconds: .min / 2)
    private var lastLowering = Instant(nanoseconds: .min / 2)
    private var liftAt = 0

    public init(recoveryInterval: Duration = .seconds(1)) {
        self.recoveryInterval = recoveryInterval
    }

    /// A 20429 arrived while `inFlight` publishes were under way. Returns whether the cap changed.
    @discardableResult
    public mutating func accountRateLimited(inFlight: Int, now: Instant) -> Bool {
        guard now - lastLowering >= recoveryInterval else { return false }
        let base = limit ?? max(inFlight, 1)
        if limit == nil { liftAt = base }
        let lowered = max(1, base / 2)
        lastLowering = now
        lastChange = now
        guard lowered != limit else { return false }
        limit = lowered
        return true
    }

    /// A publish succeeded. Returns whether the cap changed (raised by one, or lifted).
    @discardableResult
    public mutating func succeeded(now: Instant) -> Bool {
        guard let current = limit, now - lastChange >= recoveryInterval else { return false }
        lastChange = now
        limit = current + 1 >= liftAt ? nil : current + 1
        return true
    }
}
