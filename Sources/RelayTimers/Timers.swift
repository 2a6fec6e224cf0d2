import RelayCore
import Synchronization

/// Sleeping and one-shot timers on the process's own timer thread instead of libdispatch's.
///
/// Why (docs/decisions/0004-timers-and-signals-off-libdispatch.md): on Linux, `Task.sleep` is a libdispatch timer,
/// and we caught libdispatch's `CLOCK_BOOTTIME` timer (the one `ContinuousClock` sleeps use) stuck for good in a busy
/// process: its timerfd had expired but was no longer armed in dispatch's epoll set, so every later
/// `Task.sleep(for:)` in the process slept forever while the threads sat idle. `TimerThread` keeps one heap and one
/// condition variable with no such state, so everything in the relay that waits for time waits here. A timer's work
/// is only to resume a continuation or signal, so it never holds the thread up.
public enum Timers {
    /// Suspends the calling task for `duration` (at once for zero or less). Throws `CancellationError` as soon as
    /// the task is cancelled, like `Task.sleep`.
    public static func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let nanoseconds = duration.nanosecondsClamped
        guard nanoseconds > 0 else { return }
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard sleeper.begin(continuation) else { return }
                let timer = after(.nanoseconds(nanoseconds)) { sleeper.finish(nil) }
                sleeper.attach(timer)
            }
        } onCancel: {
            sleeper.finish(CancellationError())
        }
    }

    /// Suspends the calling task until `deadline` on the continuous clock (at once if it has passed).
    public static func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await sleep(for: deadline - ContinuousClock.now)
    }

    /// Runs `action` once on the timer thread after `duration`, unless the returned timer is cancelled first.
    /// `action` must be short: every timer of the process runs on that thread.
    @discardableResult
    public static func after(_ duration: Duration, _ action: @escaping @Sendable () -> Void) -> OneShotTimer {
        at(ContinuousClock.now.advanced(by: max(.zero, duration)), action)
    }

    /// Runs `action` once at `deadline` on the continuous clock; see `after(_:_:)`.
    @discardableResult
    public static func at(_ deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> OneShotTimer
    {
        OneShotTimer(TimerThread.shared.schedule(at: deadline, action))
    }
}

/// A timer from `Timers.after` or `Timers.at`.
public struct OneShotTimer: Sendable {
    private let entry: TimerThread.Entry

    init(_ entry: TimerThread.Entry) { self.entry = entry }

    /// Stops the timer if it has not fired yet. (If it is firing at this moment, the action may still run.)
    public func cancel() { TimerThread.shared.cancel(entry) }
}

/// One sleep: its continuation and its scheduled wake-up; whichever of "fired" and "cancelled" comes first resumes
/// the continuation, exactly once.
private final class Sleeper: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var timer: OneShotTimer?
        var finished = false
    }

    private let state = Mutex(State())

    /// Stores the continuation; returns false (having resumed it) if the sleep was cancelled before it began.
    func begin(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let cancelledEarly = state.withLock { state -> Bool in
            if state.finished { return true }
            state.continuation = continuation
            return false
        }
        if cancelledEarly { continuation.resume(throwing: CancellationError()) }
        return !cancelledEarly
    }

    /// Keeps the scheduled wake-up so that cancelling can stop it; stops it at once if the sleep already ended.
    func attach(_ timer: OneShotTimer) {
        let alreadyFinished = state.withLock { state -> Bool in
            if state.finished { return true }
            state.timer = timer
            return false
        }
        if alreadyFinished { timer.cancel() }
    }

    /// Ends the sleep: normally (`error` nil) when the timer fired, with `CancellationError` when cancelled.
    func finish(_ error: (any Error)?) {
        let (continuation, timer) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, OneShotTimer?) in
            if state.finished { return (nil, nil) }
            state.finished = true
            defer { state.continuation = nil; state.timer = nil }
            return (state.continuation, state.timer)
        }
        if error != nil { timer?.cancel() }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
    }
}
