/// Reads the process's monotonic clock as engine `Instant`s. Owned by the runtime, which passes `now()` into the
/// engine; the engine itself never calls it.
public struct MonotonicClock: Sendable {
    private let origin: ContinuousClock.Instant

    /// A clock whose origin is the moment of creation.
    public init() {
        origin = ContinuousClock.now
    }

    /// The current instant on this clock's timeline.
    public func now() -> Instant {
        Instant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped)
    }

    /// The `ContinuousClock` instant matching `instant`, for sleeping until a lane's wake-up time.
    public func continuousInstant(for instant: Instant) -> ContinuousClock.Instant {
        origin + .nanoseconds(instant.nanoseconds)
    }
}
