import Dispatch
import Foundation
import Synchronization

/// Waits for SIGINT or SIGTERM, for commands that run until interrupted.
enum ShutdownSignals {
    /// Returns the first SIGINT or SIGTERM received. The default actions are replaced by dispatch signal sources,
    /// so the process is not killed and no code runs in signal context.
    static func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let waiter = Waiter(continuation)
            for number in [SIGINT, SIGTERM] {
                #if canImport(Darwin)
                    signal(number, SIG_IGN)  // see SignalEscalation for why not on Linux
                #endif
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { waiter.received(number) }
                waiter.keep(source)
                source.resume()
            }
        }
    }

    /// Resumes the waiting task once, and keeps the signal sources alive until then.
    private final class Waiter: Sendable {
        private let state:
            Mutex<(continuation: CheckedContinuation<Int32, Never>?, sources: [any DispatchSourceSignal])>

        init(_ continuation: CheckedContinuation<Int32, Never>) {
            state = Mutex((continuation, []))
        }

        func keep(_ source: any DispatchSourceSignal) {
            state.withLock { $0.sources.append(source) }
        }

        func received(_ number: Int32) {
            let continuation = state.withLock { state in
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(returning: number)
        }
    }
}
