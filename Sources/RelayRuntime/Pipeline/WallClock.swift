import Foundation

/// Wall-clock time in milliseconds since the Unix epoch: the scale of Kafka record timestamps. The engine never
/// reads it (its time is the monotonic `Instant`); the driver measures records' ages with it for the freshness
/// metrics, and tests fix it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that reads `read`.
    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// The system's clock.
    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Milliseconds since the Unix epoch, now.
    public func milliseconds() -> Int64 { read() }

    /// The age now of a record stamped `timestamp` (milliseconds since the epoch); never negative, since a
    /// producer's clock may run ahead of this machine's.
    public func age(ofTimestamp timestamp: Int64, now: Int64) -> Duration {
        .milliseconds(max(0, now &- timestamp))
    }
}
