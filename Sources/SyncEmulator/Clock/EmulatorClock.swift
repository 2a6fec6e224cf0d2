import Foundation

/// The emulator's source of wall-clock time, injected so tests can drive TTL expiry and rate windows by hand.
public protocol EmulatorClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemEmulatorClock: EmulatorClock {
    /// Creates the system clock.
    public init() {}
    /// The current time.
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to, for deterministic tests and `--clock manual`.
public final class ManualEmulatorClock: EmulatorClock, @unchecked Sendable {
    // @unchecked: `current` is only read or written under `lock`.
    private let lock = NSLock()
    private let start: Date
    /// Elapsed time in whole nanoseconds, so many small steps add up exactly.
    private var elapsedNanoseconds: Int64 = 0

    /// Creates a clock stopped at `start` (by default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        self.start = start
    }

    /// The current (manual) time.
    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return start.addingTimeInterval(Double(elapsedNanoseconds) / 1e9)
    }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        lock.lock()
        elapsedNanoseconds += seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        lock.unlock()
    }
}
