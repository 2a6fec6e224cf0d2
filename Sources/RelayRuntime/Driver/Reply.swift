import Dispatch
import Synchronization

/// A value handed once from the engine's loop to whoever waits for it: a revoke's final offsets to the poll thread
/// (which may block), a graceful stop's drain to the shutdown task (which awaits). The first `fulfil` wins.
final class Reply<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var awaiting: [CheckedContinuation<Value, Never>] = []
    }

    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    /// Hands over `value`, unless a value was handed over already. Returns whether this one was.
    @discardableResult
    func fulfil(_ value: Value) -> Bool {
        let awaiting = state.withLock { state -> [CheckedContinuation<Value, Never>]? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.awaiting = [] }
            return state.awaiting
        }
        guard let awaiting else { return false }
        ready.signal()
        for continuation in awaiting { continuation.resume(returning: value) }
        return true
    }

    /// Whether a value was handed over.
    var isFulfilled: Bool { state.withLock { $0.value != nil } }

    /// The value, once handed over (for tasks: nothing blocks).
    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let value = state.withLock { state -> Value? in
                if state.value == nil { state.awaiting.append(continuation) }
                return state.value
            }
            if let value { continuation.resume(returning: value) }
        }
    }

    /// Blocks until the value is handed over or `deadline` passes (nil then). For threads that may block.
    func wait(until deadline: ContinuousClock.Instant) -> Value? {
        let remaining = max(ContinuousClock.now.duration(to: deadline), .zero)
        let nanoseconds = Int(min(remaining.nanosecondsClamped, 365 * 86_400 * 1_000_000_000))
        guard ready.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
        ready.signal()  // for any other blocked waiter
        return state.withLock { $0.value }
    }

    /// Blocks until the value is handed over. For threads that may block.
    func wait() -> Value {
        ready.wait()
        ready.signal()
        return state.withLock { $0.value }!
    }
}
