import Dispatch
import Foundation
import Synchronization

/// SIGTERM and SIGINT for the service: the first asks for a graceful shutdown, a second one (while draining) for
/// an immediate stop. Dispatch signal sources replace the default actions, so no code runs in signal context.
/// The sources live as long as this object.
///
/// This must be the process's only watcher of these signals. On Linux, libdispatch delivers signals through a
/// signalfd and installs its own handler for each watched signal the first time a source for it is registered;
/// a later `signal(SIG_IGN)` (which Darwin's kqueue needs, and which a second watcher would make) replaces that
/// handler, and from then on the kernel discards the signal: `systemctl stop` would wait for `TimeoutStopSec` and
/// kill. We caught exactly that with the service group's own signal sources racing ours.
final class SignalEscalation: @unchecked Sendable {
    // @unchecked: `sources` is written once in init and only cancelled in deinit; the count is behind a lock.
    private let sources: [any DispatchSourceSignal]
    private let received = Count()

    /// How many signals arrived.
    private final class Count: Sendable {
        private let value = Mutex(0)
        /// Counts one more signal; returns the count before it.
        func next() -> Int {
            value.withLock { value in
                defer { value += 1 }; return value
            }
        }
    }

    /// Starts watching. `first` runs on the first signal, `second` on every later one.
    init(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) {
        let received = self.received
        sources = [SIGTERM, SIGINT].map { number in
            #if canImport(Darwin)
                signal(number, SIG_IGN)  // kqueue's EVFILT_SIGNAL ranks below sigaction (see above for Linux)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.next() == 0 { first() } else { second() }
            }
            source.resume()
            return source
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}
