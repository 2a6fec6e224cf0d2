import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayRuntime
import Synchronization

/// What a SIGHUP reloads: nothing until `sync-relay run` has built the relay (`start`), nothing once it stops
/// (`stop`), and in between the running relay, one reload at a time (`ReloadSignal`'s serial queue).
final class ReloadTarget: Sendable {
    /// The running relay and what a reload reports through.
    struct Relay: Sendable {
        let application: RelayApplication
        let metrics: RelayMetrics
        let notifier: SystemdNotifier
        let logger: Logger
    }

    private enum Phase: Sendable {
        case starting, running(Relay), stopping
    }

    private let phase = Mutex<Phase>(.starting)

    /// The relay is built: reloads apply to it from now on.
    func start(_ relay: Relay) {
        phase.withLock { if case .starting = $0 { $0 = .running(relay) } }
    }

    /// The relay is stopping: later reloads are ignored (a resubscription would add a rebalance to the drain).
    func stop() {
        phase.withLock { $0 = .stopping }
    }

    /// Reloads the file at `path` into the running relay, or says why not.
    func reload(path: String) {
        switch phase.withLock({ $0 }) {
        case .starting:
            StandardError.write("sync-relay: SIGHUP while starting: ignored (send it again once the relay runs)")
        case .stopping:
            Logger(label: "sync-relay").notice("relay.reload.ignored", metadata: [LogKey.reason: "stopping"])
        case .running(let relay):
            Self.reload(path: path, into: relay)
        }
    }

    /// Re-reads and validates the file at `path` (and the secret files and variables it names) and applies it if it
    /// changes only what can change live or rotate (`ConfigurationReload`). A file that does not validate, that changes what cannot change live, or whose new
    /// subscription librdkafka refuses changes nothing: the running configuration stays, and the log and
    /// `sync_relay_config_reloads_total{result}` say why. Readiness is not touched. A ready relay tells systemd
    /// `RELOADING=1` and then `READY=1`.
    static func reload(path: String, into relay: Relay) {
        let (application, metrics, logger) = (relay.application, relay.metrics, relay.logger)
        let started = ContinuousClock.now
        let toldSystemd = application.health.snapshot.isReady && relay.notifier.notifyReloading()
        defer { if toldSystemd { relay.notifier.notifyReady(status: "ready") } }
        let at = Date().timeIntervalSince1970
        let loaded: RelayConfiguration
        do {
            loaded = try ConfigurationLoader(
                environment: ProcessInfo.processInfo.environment, hostName: HostName.current
            ).load(path: path)
            try KafkaConsumerSettings(loaded.kafka).validate()
        } catch {
            let lines = (error as? ConfigurationError)?.lines ?? ["$.kafka.properties: \(error)"]
            logger.error(
                "relay.reload.invalid",
                metadata: [LogKey.config: .string(path), LogKey.reasons: .string(lines.joined(separator: "; "))])
            metrics.configurationReloaded(result: "invalid", at: at)
            return
        }
        let changes: ConfigurationReload
        do {
            changes = try application.reload(loaded)
        } catch {
            logger.error(
                "relay.reload.failed",
                metadata: [
                    LogKey.config: .string(path), LogKey.error: .string(error.description),
                    LogKey.reason: "the new subscription was refused; nothing was changed",
                ])
            metrics.configurationReloaded(result: "failed", at: at)
            return
        }
        if !changes.isAllowed {
            logger.error(
                "relay.reload.refused",
                metadata: [
                    LogKey.config: .string(path), LogKey.keys: .string(changes.refused.joined(separator: ",")),
                    LogKey.reason:
                        "these keys cannot change in a running relay; restart the relay to apply them (nothing was changed, no credential was rotated)",
                ])
            metrics.configurationReloaded(result: "refused", at: at)
        } else if changes.isEmpty {
            logger.info("relay.reload.unchanged", metadata: [LogKey.config: .string(path)])
            metrics.configurationReloaded(result: "unchanged", at: at)
        } else {
            var metadata: Logger.Metadata = [
                LogKey.config: .string(path), LogKey.took: .string("\(ContinuousClock.now - started)"),
            ]
            if !changes.live.isEmpty { metadata[LogKey.keys] = .string(changes.live.joined(separator: ",")) }
            // Names only: a rotated secret's value never reaches a log line.
            if !changes.rotated.isEmpty { metadata[LogKey.rotated] = .string(changes.rotated.joined(separator: ",")) }
            logger.notice("relay.reload.applied", metadata: metadata)
            metrics.configurationReloaded(result: "applied", at: at)
            // Last, so a level above notice does not hide the line that says it changed.
            if changes.live.contains("log.level") { RelayLogHandler.setLevel(Logger.Level(loaded.log.level)) }
        }
    }
}
