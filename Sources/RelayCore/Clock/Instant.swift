/// A point on the relay's monotonic timeline, in nanoseconds since an arbitrary origin chosen by the caller.
///
/// The engine never reads a clock: every time-dependent call takes `now: Instant`. The runtime derives instants from a
/// `MonotonicClock` (or `ContinuousClock`), tests build them directly, so every rule is exact and deterministic.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the timeline's origin. May be negative for instants before the origin.
    public var nanoseconds: Int64

    /// An instant `nanoseconds` after the origin.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin of the timeline.
    public static let zero = Instant(nanoseconds: 0)

    /// An instant later than any the relay will meet; used as "never".
    public static let distantFuture = Instant(nanoseconds: .max / 2)

    /// An instant `seconds` after the origin (convenient in tests).
    public static func seconds(_ seconds: Double) -> Instant {
        Instant(nanoseconds: Int64(seconds * 1e9 + (seconds < 0 ? -0.5 : 0.5)))  // rounded, without libm
    }

    /// Orders instants on the timeline.
    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `duration` after `lhs`, saturating instead of overflowing.
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanosecondsClamped)
        if overflow { return rhs < .zero ? Instant(nanoseconds: .min) : Instant(nanoseconds: .max) }
        return Instant(nanoseconds: sum)
    }

    /// The instant `duration` before `lhs`.
    public static func - (lhs: Instant, rhs: Duration) -> Instant {
        lhs + (Duration.zero - rhs)
    }

    /// The time from `rhs` to `lhs`.
    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    /// Seconds since the origin, for logs and test failures.
    public var description: String {
        "\(Double(nanoseconds) / 1e9)s"
    }
}

extension Duration {
    /// This duration in whole nanoseconds, clamped to `Int64`.
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }
}
