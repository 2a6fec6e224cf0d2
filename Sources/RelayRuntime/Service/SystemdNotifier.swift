import Logging
import RelayTimers
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Tells systemd how the relay is doing with the `sd_notify` protocol, without libsystemd: one datagram of
/// newline-separated `KEY=value` assignments to the Unix socket named by `$NOTIFY_SOCKET`.
///
/// - `notifyReady()` sends `READY=1` (once consuming and publishing work; `Type=notify` units wait for it);
/// - `notifyStopping()` sends `STOPPING=1` (at most once) when shutdown begins;
/// - `notifyStatus(_:)` sends `STATUS=...`, the line `systemctl status` shows;
/// - `run()`, as a `Service`, sends `WATCHDOG=1` every `WATCHDOG_USEC/2` while `isAlive()` holds, until graceful
///   shutdown or cancellation, then sends `STOPPING=1` if nobody has yet.
///
/// Without `$NOTIFY_SOCKET` (not started by systemd) every call does nothing and `run()` just waits for shutdown.
/// Sends never block. List the notifier first in the `ServiceGroup`: services stop in reverse order, so it keeps
/// the watchdog fed while the pipeline drains; call `notifyStopping()` when the drain starts.
public struct SystemdNotifier: Service {
    /// The environment variable naming the socket.
    public static let socketVariable = "NOTIFY_SOCKET"
    /// The environment variable with the watchdog timeout in microseconds.
    public static let watchdogVariable = "WATCHDOG_USEC"
    /// The environment variable with the process ID the watchdog is meant for.
    public static let watchdogProcessVariable = "WATCHDOG_PID"

    private let address: NotifySocketAddress?
    private let socketText: String?
    /// How often `run()` pings the watchdog: half of `WATCHDOG_USEC`, or nil when there is no watchdog for this
    /// process.
    public let watchdogInterval: Duration?
    private let isAlive: @Sendable () -> Bool
    private let logger: Logger
    private let state: SharedState

    /// Reads the protocol's variables from `environment` (the process's own in production; tests pass theirs).
    /// `processID` is compared with `WATCHDOG_PID` when that is set. `isAlive` is asked before each watchdog ping;
    /// while it answers false no pings are sent, so systemd restarts a wedged relay.
    public init(
        environment: [String: String],
        processID: Int32,
        logger: Logger,
        isAlive: @escaping @Sendable () -> Bool = { true }
    ) {
        socketText = environment[Self.socketVariable].flatMap { $0.isEmpty ? nil : $0 }
        address = socketText.flatMap(NotifySocketAddress.init)
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
        self.isAlive = isAlive
        self.logger = logger
        state = SharedState()
        if let socketText, address == nil {
            logger.warning(
                "systemd.socket.unsupported", metadata: [LogKey.notifySocket: .string(socketText)])
        }
    }

    /// Whether `$NOTIFY_SOCKET` names a socket, so messages are sent.
    public var isEnabled: Bool { address != nil }

    /// Sends `READY=1`, with `STATUS=status` when given.
    @discardableResult
    public func notifyReady(status: String? = nil) -> Bool {
        send(["READY=1"] + (status.map { ["STATUS=" + Self.singleLine($0)] } ?? []))
    }

    /// Sends `STOPPING=1` (only the first call sends), with `STATUS=status` when given.
    @discardableResult
    public func notifyStopping(status: String? = nil) -> Bool {
        guard state.claimStopping() else { return false }
        return send(["STOPPING=1"] + (status.map { ["STATUS=" + Self.singleLine($0)] } ?? []))
    }

    /// Sends `RELOADING=1` with `MONOTONIC_USEC` (the monotonic clock in microseconds, as `systemctl reload` on
    /// systemd 253 and later waits for); follow it with `notifyReady` when the reload is over.
    @discardableResult
    public func notifyReloading() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        return send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)"])
    }

    /// Sends `STATUS=status` (line breaks become spaces).
    @discardableResult
    public func notifyStatus(_ status: String) -> Bool {
        send(["STATUS=" + Self.singleLine(status)])
    }

    /// Sends `WATCHDOG=1`.
    @discardableResult
    public func notifyWatchdog() -> Bool {
        send(["WATCHDOG=1"])
    }

    /// Sends the assignments as one datagram; true when it was sent. Failures are logged once per run of failures.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let address else { return false }
        switch address.send(assignments.joined(separator: "\n")) {
        case .success:
            if state.recordSuccess() { logger.info("systemd.notify.recovered") }
            return true
        case .failure(let error):
            if state.recordFailure() {
                logger.warning(
                    "systemd.notify.failed",
                    metadata: [
                        LogKey.notifySocket: .string(socketText ?? ""),
                        LogKey.systemdError: .string(error.description),
                    ])
            }
            return false
        }
    }

    /// Pings the watchdog until graceful shutdown or cancellation, then sends `STOPPING=1` unless already sent.
    public func run() async throws {
        if let watchdogInterval, isEnabled {
            logger.debug(
                "systemd.watchdog.started",
                metadata: [LogKey.watchdogInterval: .stringConvertible(watchdogInterval)])
            let notifier = self
            await cancelWhenGracefulShutdown {
                await notifier.pingWatchdog(every: watchdogInterval)
            }
        } else {
            try? await gracefulShutdown()
        }
        notifyStopping()
    }

    /// Pings at a fixed rate (deadlines advance by `interval`, so a slow ping does not delay the next) until
    /// cancelled.
    private func pingWatchdog(every interval: Duration) async {
        let clock = ContinuousClock()
        var deadline = clock.now
        while !Task.isCancelled {
            if isAlive() { notifyWatchdog() }
            deadline = max(deadline.advanced(by: interval), clock.now)
            do {
                try await Timers.sleep(until: deadline)
            } catch {
                return
            }
        }
    }

    /// Half of `WATCHDOG_USEC`, unless it is missing, not a positive number, or `WATCHDOG_PID` names another process.
    static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment[watchdogVariable], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let pidText = environment[watchdogProcessVariable], !pidText.isEmpty, Int32(pidText) != processID {
            return nil
        }
        return .microseconds(microseconds) / 2
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}

extension SystemdNotifier {
    /// What the copies of one notifier share: whether `STOPPING=1` went out, and whether the last send failed.
    final class SharedState: Sendable {
        private struct Flags {
            var stoppingSent = false
            var failing = false
        }

        private let flags = Mutex(Flags())

        /// True for the first caller only.
        func claimStopping() -> Bool {
            flags.withLock { flags in
                defer { flags.stoppingSent = true }
                return !flags.stoppingSent
            }
        }

        /// True when this failure starts a run of failures.
        func recordFailure() -> Bool {
            flags.withLock { flags in
                defer { flags.failing = true }
                return !flags.failing
            }
        }

        /// True when this success ends a run of failures.
        func recordSuccess() -> Bool {
            flags.withLock { flags in
                defer { flags.failing = false }
                return flags.failing
            }
        }
    }
}
