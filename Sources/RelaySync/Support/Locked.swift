import Foundation

/// A value guarded by a lock, shared between the multi loop's thread and Swift tasks.
///
/// `@unchecked Sendable` is sound because every access to `value` goes through `withLock`, and `Value` itself is
/// `Sendable`, so nothing non-sendable escapes the critical section.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// Creates a guarded value.
    init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
