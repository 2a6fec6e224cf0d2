import ArgumentParser
import Foundation
import Logging
import Metrics
import RelayCore
import RelayKafka
import RelayRuntime
import ServiceLifecycle

/// `sync-relay run`: the service. Loads and validates the configuration (exit 78 when it is broken), then runs the
/// metrics endpoint, the relay and the systemd notifier until SIGTERM or SIGINT: the first signal drains within the
/// configured deadline and commits what is done; a second one stops at once (still committing only what is done).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the relay: consume Kafka, publish to Twilio Sync, serve metrics, until SIGTERM."
    )

    @Option(name: .long, help: "The configuration file.")
    var config: String

    func run() async throws {
        // SIGHUP from the first moment: its default action would end the process. Until the relay is built, and
        // once it is stopping, a reload is ignored (and said so).
        let reloadTarget = ReloadTarget()
        let reloads = ReloadSignal { [config] in reloadTarget.reload(path: config) }
        defer { withExtendedLifetime(reloads) {} }
        let configuration: RelayConfiguration
        do {
            configuration = try ConfigurationLoader(
                environment: ProcessInfo.processInfo.environment, hostName: HostName.current
            ).load(path: config)
        } catch {
            for line in error.lines { StandardError.write(line) }
            throw ExitCode(ConfigurationError.exitStatus)
        }
        RelayLogHandler.bootstrap(configuration.log)
        let logger = Logger(label: "sync-relay")
        logger.info(
            "relay.starting",
            metadata: [
                LogKey.version: .string(RelayVersion.current), LogKey.config: .string(config),
                LogKey.kafkaBrokers: .string(configuration.kafka.brokers.joined(separator: ",")),
                LogKey.kafkaGroup: .string(configuration.kafka.groupId),
                LogKey.kafkaInstanceId: .string(configuration.kafka.instanceId ?? "none (dynamic membership)"),
                LogKey.kafkaTopics: .string(configuration.kafka.topics.map(\.description).joined(separator: ",")),
                LogKey.twilioBaseURL: .string(configuration.twilio.baseURL),
                LogKey.twilioService: .string(configuration.twilio.serviceSid),
                LogKey.metricsListen: .string(
                    configuration.metrics.enabled ? configuration.metrics.listen.description : "off"),
            ])

        // swift-metrics is bootstrapped once, here: the relay's libraries emit through `MetricsSystem`.
        let metricsFactory = RelayMetricsFactory()
        MetricsSystem.bootstrap(metricsFactory)
        let registry = metricsFactory.registry
        let metrics = RelayMetrics()
        let notifier = SystemdNotifier(logger: logger)
        let health = HealthState { snapshot in
            metrics.readinessChanged(ready: snapshot.isReady)
            notifier.healthChanged(snapshot)
            if snapshot.isReady {
                logger.notice("relay.ready")
            } else {
                let reasons = snapshot.problems.sorted { $0.key < $1.key }.map { "\($0.key.rawValue): \($0.value)" }
                logger.warning("relay.not_ready", metadata: [LogKey.reasons: .string(reasons.joined(separator: "; "))])
            }
        }
        let application: RelayApplication
        do {
            application = try RelayApplication(
                configuration: configuration, observer: metrics, health: health, logger: logger)
        } catch {
            logger.critical("relay.start.failed", metadata: [LogKey.error: .string("\(error)")])
            throw ExitCode.failure
        }

        // Shutdown runs in reverse order: the relay drains and commits first, then the metrics endpoint goes, and
        // the notifier last, so the watchdog keeps being pinged during the drain.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: notifier)]
        if configuration.metrics.enabled {
            let server = MetricsServer(
                address: configuration.metrics.listen, registry: registry, health: health, logger: logger
            ) { port in
                logger.info("metrics.listening", metadata: [LogKey.metricsPort: .stringConvertible(port)])
            }
            services.append(.init(service: server))
        }
        services.append(.init(service: application.service))
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        // No `gracefulShutdownSignals`: SignalEscalation is the one watcher of SIGTERM/SIGINT (see why there).
        // The drain, then the consumer's stop (`KafkaConsumer.stopBudget`: the rebalance drain + 8 s, and at least
        // 1 s for its close), with a second to spare: past this the group cancels, and a cancellation that outlasts
        // `maximumCancellationDuration` crashes the process.
        groupConfiguration.maximumGracefulShutdownDuration =
            configuration.shutdown.drainDeadline + configuration.kafka.rebalanceDrainDeadline + .seconds(10)
        groupConfiguration.maximumCancellationDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        let running = Task { try await group.run() }
        // First SIGTERM/SIGINT: the group shuts down gracefully (drain, commit). A second one: stop at once (still
        // committing only what is done).
        let signals = SignalEscalation(
            first: {
                reloadTarget.stop()
                logger.notice("relay.shutdown.requested")
                notifier.notifyStopping(status: "draining")
                Task { await group.triggerGracefulShutdown() }
            },
            second: {
                logger.warning("relay.shutdown.forced")
                running.cancel()
            }
        )
        // SIGHUP (`systemctl reload`) from now on: re-read the file and apply what can change live.
        reloadTarget.start(
            ReloadTarget.Relay(application: application, metrics: metrics, notifier: notifier, logger: logger))
        do {
            try await withTaskCancellationHandler {
                try await running.value
            } onCancel: {
                running.cancel()
            }
            withExtendedLifetime(signals) {}
        } catch {
            reloadTarget.stop()
            // Logged before closing: a close that hangs (a fatally failed client) must not swallow the reason.
            let exit: ExitCode
            if let kafka = error as? KafkaError, kafka.isFenced {
                exit = fenced(kafka, configuration, logger)
            } else {
                logger.critical("relay.failed", metadata: [LogKey.error: .string("\(error)")])
                exit = .failure
            }
            await application.close()
            throw exit
        }
        reloadTarget.stop()
        await application.close()
        if let fatal = application.consumer.fatalError {
            if fatal.isFenced { throw fenced(fatal, configuration, logger) }
            logger.critical("relay.kafka.fatal", metadata: [LogKey.error: .string(fatal.description)])
            throw ExitCode.failure
        }
    }

    /// The group fenced this relay: another one joined with its `kafka.instanceId`. Exit 78, which the unit does not
    /// restart: a restart would fence the other relay in turn, and the two would take the partitions from each
    /// other forever. Nothing is lost: what this relay had not committed is consumed again by the other.
    private func fenced(_ error: KafkaError, _ configuration: RelayConfiguration, _ logger: Logger) -> ExitCode {
        logger.critical(
            "relay.kafka.fenced",
            metadata: [
                LogKey.error: .string(error.description),
                LogKey.kafkaGroup: .string(configuration.kafka.groupId),
                LogKey.kafkaInstanceId: .string(configuration.kafka.instanceId ?? "none"),
                LogKey.reason: .string(
                    "another relay joined the group with this kafka.instanceId; give each relay its own id"),
            ])
        return ExitCode(ConfigurationError.exitStatus)
    }
}
