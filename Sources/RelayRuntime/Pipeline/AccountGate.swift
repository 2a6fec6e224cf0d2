import Logging
import RelayCore
import Synchronization

/// The account-wide cap on publishes in flight across all streams (`AccountConcurrencyLimit`): every publish takes
/// a place with `enter()` and gives it back with `leave(...)`, which also feeds the cap Twilio's answer. While the
/// cap is lifted (the normal case) `enter()` never waits.
final class AccountGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var limit = AccountConcurrencyLimit()
        var inFlight = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var lowerings = 0

        /// Whether one more publish fits under the cap.
        var hasRoom: Bool { limit.limit.map { inFlight < $0 } ?? true }

        /// Admits waiters while there is room; returns their continuations to resume outside the lock.
        mutating func admitWaiting() -> [CheckedContinuation<Void, Never>] {
            var admitted: [CheckedContinuation<Void, Never>] = []
            while !waiters.isEmpty, hasRoom {
                inFlight += 1
                admitted.append(waiters.removeFirst().continuation)
            }
            return admitted
        }
    }

    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The current cap (nil: none), the publishes in flight, and how many times the cap was lowered.
    var snapshot: (limit: Int?, inFlight: Int, lowerings: Int) { state.withLock { ($0.limit.limit, $0.inFlight, $0.lowerings) } }

    /// Waits for a place under the cap. A cancelled waiter gets its place at once (its publish then ends quickly).
    func enter() async {
        let id = state.withLock { state -> UInt64? in
            if state.hasRoom {
                state.inFlight += 1
                return nil
            }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || state.hasRoom {
                        state.inFlight += 1
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                state.inFlight += 1
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    /// Gives the place back. `accountRateLimited`: Twilio answered 20429 (lowers the cap); `succeeded`: it accepted
    /// the message (may raise or lift the cap).
    func leave(accountRateLimited: Bool, succeeded: Bool, now: Instant) {
        enum Change { case lowered(Int), lifted }
        let (admitted, change) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Change?) in
            let before = state.limit.limit
            let inFlight = state.inFlight
            state.inFlight -= 1
            if accountRateLimited { state.limit.accountRateLimited(inFlight: inFlight, now: now) }
            if succeeded { state.limit.succeeded(now: now) }
            var change: Change?
            if let after = state.limit.limit, before.map({ after < $0 }) ?? true {
                state.lowerings += 1
                change = .lowered(after)
            } else if before != nil, state.limit.limit == nil {
                change = .lifted
            }
            return (state.admitWaiting(), change)
        }
        switch change {
        case .lowered(let limit):
            logger.warning("twilio.account.concurrency.lowered", metadata: ["twilio.concurrency.limit": .stringConvertible(limit)])
        case .lifted:
            logger.notice("twilio.account.concurrency.restored")
        case nil:
            break
        }
        admitted.forEach { $0.resume() }
    }
}
