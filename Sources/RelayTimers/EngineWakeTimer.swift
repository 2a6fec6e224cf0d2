import RelayCore
import Synchronization

/// The engine driver's one timer (`WakeTimer`) on the timer thread: `wake(at:)` replaces the previous request (the
/// driver performs the engine's requests in the engine's order, on its loop); firing clears it. The action runs on
/// the timer thread.
public final class EngineWakeTimer: WakeTimer {
    private struct Pending {
        var at: Instant
        var timer: OneShotTimer
    }

    private let clock: MonotonicClock
    private let pending = Mutex<Pending?>(nil)

    /// A timer on `clock`'s timeline (the one the engine's instants come from).
    public init(clock: MonotonicClock) {
        self.clock = clock
    }

    public func wake(at instant: Instant, _ fire: @escaping @Sendable () -> Void) {
        pending.withLock { pending in
            pending?.timer.cancel()
            let timer = Timers.at(clock.continuousInstant(for: instant)) { [weak self] in
                self?.pending.withLock { pending in
                    if pending?.at == instant { pending = nil }
                }
                fire()
            }
            pending = Pending(at: instant, timer: timer)
        }
    }

    public func cancel() {
        pending.withLock { pending in
            pending?.timer.cancel()
            pending = nil
        }
    }
}
