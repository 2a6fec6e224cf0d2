import Logging
import RelayCore
import RelayKafka
import RelaySync
import RelayTimers
import Synchronization

/// Everything `sync-relay run` assembles from a configuration: the Twilio client, the dead-letter producer, the
/// pipeline, the consumer and the relay service. The command, the demo and the end-to-end tests all use it, so they
/// run the same wiring.
public struct RelayApplication: Sendable {
    /// The relay service (add it to a `ServiceGroup`).
    public let service: RelayService
    /// The pipeline, for inspection (idle, concurrency).
    public let pipeline: RelayPipeline
    /// The consumer.
    public let consumer: KafkaConsumer
    /// Readiness, for `/readyz` and systemd.
    public let health: HealthState
    private let http: CurlHTTPClient
    private let registryHTTP: CurlHTTPClient?
    private let producer: KafkaProducer?
    /// Twilio's credentials, which every Sync request reads as it is built; a reload that rotates them replaces them.
    private let twilioCredentials: CredentialHolder
    /// The Schema Registry's credentials, likewise (nil: no registry).
    private let registryCredentials: CredentialHolder?
    /// The configuration in force (the one started with, or the last reload applied), under the reload lock.
    private let running: RunningConfiguration

    private final class RunningConfiguration: Sendable {
        let value: Mutex<RelayConfiguration>
        init(_ configuration: RelayConfiguration) { value = Mutex(configuration) }
    }

    /// Builds the relay. Nothing connects until the service runs.
    public init(configuration: RelayConfiguration, observer: any RelayObserver, health: HealthState, logger: Logger)
        throws
    {
        let twilio = configuration.twilio
        http = try CurlHTTPClient(
            configuration: HTTPClientConfiguration(
                connectTimeout: twilio.connectTimeout, requestTimeout: twilio.requestTimeout,
                maxConnectionsPerHost: twilio.maxConnections, maxTransfersInFlight: twilio.maxConcurrentRequests
            ))
        twilioCredentials = CredentialHolder(Self.credentials(twilio))
        let concurrency = TwilioConcurrencyFeed()
        let client = SyncStreamsClient(
            http: http, credentials: twilioCredentials, serviceSID: twilio.serviceSid, baseURL: twilio.baseURL,
            requestTimeout: twilio.requestTimeout, concurrencyFeed: concurrency
        )
        var deadLetters: DeadLetterWriter?
        if let topic = configuration.kafka.deadLetterTopic {
            let producer = try KafkaProducer(
                brokers: configuration.kafka.brokers, properties: configuration.kafka.properties.all, logger: logger)
            self.producer = producer
            deadLetters = DeadLetterWriter(producer: producer, topic: topic)
        } else {
            producer = nil
        }
        var schemas: RegistrySchemaSource?
        if let settings = configuration.schemaRegistry {
            let registryHTTP = try CurlHTTPClient(
                configuration: HTTPClientConfiguration(
                    connectTimeout: settings.timeout, requestTimeout: settings.timeout, maxConnectionsPerHost: 4,
                    maxTransfersInFlight: 16, caBundlePath: settings.caFile))
            self.registryHTTP = registryHTTP
            let registry = SchemaRegistryClient(configuration: settings, http: registryHTTP)
            registryCredentials = registry.credentials
            schemas = RegistrySchemaSource(client: registry)
        } else {
            registryHTTP = nil
            registryCredentials = nil
        }
        let clock = MonotonicClock()
        pipeline = RelayPipeline(
            configuration: configuration,
            ports: RelayPipeline.Ports(
                publisher: SyncStreamPublisher(client: client), deadLetters: deadLetters,
                timer: EngineWakeTimer(clock: clock), schemas: schemas,
                snapshots: SyncSnapshotWriter(client: client),
                oneRequestPerConnection: client.carriesOneRequestPerConnection, concurrency: concurrency),
            observer: observer, health: health, logger: logger, clock: clock)
        consumer = try KafkaConsumer(
            settings: KafkaConsumerSettings(configuration.kafka), handler: pipeline, logger: logger)
        pipeline.attach(partitionControl: consumer, committer: consumer)
        service = RelayService(
            pipeline: pipeline, consumer: consumer, drainDeadline: configuration.shutdown.drainDeadline, logger: logger)
        self.health = health
        running = RunningConfiguration(configuration)
    }

    /// Applies `new` if it changes only what can change live (`ConfigurationReload`), and returns what changed; a
    /// refused one changes nothing. The subscription goes first (librdkafka may refuse it, and then nothing has
    /// changed; a changed one rebalances the group, whose revoke drains and commits like any other); then rotated
    /// credentials replace the old ones (requests built from then on carry them; those in flight finish with the
    /// old); then the engine takes the new routes under its lock, between two events. `log.level` is the caller's
    /// to apply (`RelayLogHandler.setLevel`), after it has said what changed.
    @discardableResult
    public func reload(_ new: RelayConfiguration) throws(KafkaError) -> ConfigurationReload {
        try running.value.withLock { (current: inout RelayConfiguration) throws(KafkaError) -> ConfigurationReload in
            let changes = ConfigurationReload(from: current, to: new)
            guard changes.isAllowed, !changes.isEmpty else { return changes }
            if changes.live.contains("kafka.topics") { try consumer.subscribe(new.kafka.topics.map(\.description)) }
            if changes.rotated.contains(where: { $0.hasPrefix("twilio.") }) {
                twilioCredentials.replace(with: Self.credentials(new.twilio))
            }
            if let registryCredentials, let settings = new.schemaRegistry,
                changes.rotated.contains(where: { $0.hasPrefix("schemaRegistry.") })
            {
                registryCredentials.replace(authorization: SchemaRegistryClient.authorization(for: settings))
            }
            current = new
            if !changes.live.isEmpty { pipeline.reconfigure(new) }
            return changes
        }
    }

    /// The HTTP basic credentials of `twilio.auth`.
    private static func credentials(_ twilio: TwilioConfiguration) -> TwilioCredentials {
        switch twilio.auth {
        case .authToken(let token): .authToken(accountSID: twilio.accountSid, authToken: token.reveal())
        case .apiKey(let sid, let secret): .apiKey(sid: sid, secret: secret.reveal())
        }
    }

    /// Closes what the service does not own: the dead-letter producer (flushing it) and the HTTP client.
    public func close() async {
        await producer?.close()
        await http.shutdown()
        await registryHTTP?.shutdown()
    }
}
