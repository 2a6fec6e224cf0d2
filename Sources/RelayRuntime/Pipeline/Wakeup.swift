import Synchronization
import RelayTimers

/// Wakes one waiting task: `signal()` from any thread, `wait(until:)` from the one task that owns it. A signal
/// that arrives while nobody waits is kept (once), so a wake-up is never lost between checking for work and
/// starting to wait.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or makes the next `wait` return at once.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, when `deadline` passes (nil: no deadline), or when the task is cancelled. The
    /// deadline is a one-shot timer that signals; if it fires just as a signal arrives, the next `wait` may return
    /// at once (callers re-check their work, so an early return costs one look, never a lost wake-up).
    func wait(until deadline: ContinuousClock.Instant?) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        let timer = deadline.map { Timers.at($0) { [self] in signal() } }
        await signalled()
        timer?.cancel()
    }

    private func signalled() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
