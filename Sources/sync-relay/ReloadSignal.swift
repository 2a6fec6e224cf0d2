import Dispatch
import Foundation

/// SIGHUP for the service: each one runs `reload`, one at a time (a serial queue: a second SIGHUP during a reload
/// waits for it). A dispatch signal source replaces the default action (which would end the process), so no code
/// runs in signal context. It must be the process's only watcher of SIGHUP (see `SignalEscalation` for why). The
/// source lives as long as this object.
final class ReloadSignal: @unchecked Sendable {
    // @unchecked: `source` is set once in init and only cancelled in deinit.
    private let source: any DispatchSourceSignal

    init(reload: @escaping @Sendable () -> Void) {
        #if canImport(Darwin)
            signal(SIGHUP, SIG_IGN)
        #endif
        source = DispatchSource.makeSignalSource(
            signal: SIGHUP, queue: DispatchQueue(label: "sync-relay.reload"))
        source.setEventHandler(handler: reload)
        source.resume()
    }

    deinit {
        source.cancel()
    }
}
