import Foundation
import Logging

extension SystemdNotifier {
    /// A notifier for this process, from its own environment (`NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID`).
    public init(logger: Logger, isAlive: @escaping @Sendable () -> Bool = { true }) {
        let process = ProcessInfo.processInfo
        self.init(
            environment: process.environment, processID: process.processIdentifier, logger: logger, isAlive: isAlive)
    }

    /// Reports a readiness change: `READY=1` with `STATUS=ready` when ready, else `STATUS=not ready: ...` with each
    /// component's reason. Suits `HealthState(onChange:)`; systemd ignores repeated `READY=1`.
    @discardableResult
    public func healthChanged(_ snapshot: HealthState.Snapshot) -> Bool {
        if snapshot.isReady { return notifyReady(status: "ready") }
        let problems = snapshot.problems.sorted { $0.key < $1.key }.map { "\($0.key.rawValue): \($0.value)" }
        return notifyStatus("not ready: " + problems.joined(separator: "; "))
    }
}
