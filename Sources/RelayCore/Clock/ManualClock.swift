/// A clock that only moves when told to, for tests and simulations of the engine.
///
/// It is a value: a test owns one, advances it, and passes `now` into the engine.
public struct ManualClock: Sendable {
    /// The current instant.
    public private(set) var now: Instant

    /// A clock starting at `start` (the origin by default).
    public init(start: Instant = .zero) {
        now = start
    }

    /// Moves the clock forward by `duration` (never backward).
    public mutating func advance(by duration: Duration) {
        now = max(now, now + duration)
    }

    /// Moves the clock to `instant` if it is later than now.
    public mutating func advance(to instant: Instant) {
        now = max(now, instant)
    }
}
