/// The relay's whole configuration, decoded and validated by `ConfigurationLoader`. Every value here has passed
/// every rule; defaults are filled in.
public struct RelayConfiguration: Sendable, Equatable {
    /// Where to consume from.
    public var kafka: KafkaConfiguration
    /// Where to publish to.
    public var twilio: TwilioConfiguration
    /// Stream settings of topics no route matches.
    public var defaults: StreamSettings
    /// Per-topic overrides, first match wins; each carries complete settings (its overrides on top of `defaults`).
    public var routes: [RouteConfiguration]
    /// The metrics and health endpoint.
    public var metrics: MetricsConfiguration
    /// Logging.
    public var log: LogConfiguration
    /// Graceful shutdown.
    public var shutdown: ShutdownConfiguration
    /// The Schema Registry values and keys are decoded with; nil: none (`auto` formats classify by content).
    public var schemaRegistry: SchemaRegistryConfiguration? = nil

    /// The settings for records of `topic`: the first route that matches it, else `defaults`.
    public func settings(forTopic topic: String) -> StreamSettings {
        routes.first { $0.topic.matches(topic) }?.settings ?? defaults
    }
}

/// `schemaRegistry`: a Confluent-compatible Schema Registry (Confluent, Redpanda, Apicurio's ccompat API, Karapace).
public struct SchemaRegistryConfiguration: Sendable, Equatable {
    /// Base URL, `http://` or `https://`, without a trailing slash.
    public var url: String
    /// Basic auth user (with `password`); nil: no basic auth.
    public var username: String?
    /// Basic auth password.
    public var password: SecretText
    /// Bearer token (instead of basic auth); empty: none.
    public var token: SecretText
    /// A CA bundle to trust instead of the system's.
    public var caFile: String?
    /// The deadline of one request.
    public var timeout: Duration
    /// The most schemas kept in memory (an id's schema never changes; evicted ones are fetched again).
    public var cacheSize: Int
    /// How long the registry may be unreachable, with records waiting for a schema, before the relay reports not
    /// ready.
    public var unreadyAfter: Duration

    public init(
        url: String, username: String? = nil, password: SecretText = SecretText(""), token: SecretText = SecretText(""),
        caFile: String? = nil, timeout: Duration = .seconds(10), cacheSize: Int = 1000,
        unreadyAfter: Duration = .seconds(30)
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.token = token
        self.caFile = caFile
        self.timeout = timeout
        self.cacheSize = cacheSize
        self.unreadyAfter = unreadyAfter
    }
}

/// One route: which topics, and their complete stream settings.
public struct RouteConfiguration: Sendable, Equatable {
    /// The topics it applies to.
    public var topic: TopicSelector
    /// `defaults` with this route's overrides applied.
    public var settings: StreamSettings
}

/// `kafka`: the consumer group.
public struct KafkaConfiguration: Sendable, Equatable {
    /// Bootstrap brokers, `host:port`.
    public var brokers: [String]
    /// Consumer group id.
    public var groupId: String
    /// Subscriptions: names and `^` patterns.
    public var topics: [TopicSelector]
    /// Where a partition with no committed offset in the group starts.
    public var startFrom: StartPosition
    /// The static membership id (`group.instance.id`, `{hostname}` already replaced); nil: dynamic membership.
    public var instanceId: String?
    /// The consumer group protocol: Kafka's classic one, or KIP-848's (`group.protocol`).
    public var groupProtocol: GroupProtocol = .classic
    /// librdkafka properties passed through, by name (secret ones masked when shown); relative paths of the
    /// files they name are resolved against the secret directory.
    public var properties: KafkaProperties
    /// How the relay connects and authenticates, as the properties ask (checked).
    public var security: KafkaSecurity.Plan
    /// Where dropped and rejected records go, if anywhere.
    public var deadLetterTopic: String?
    /// How often done offsets are committed.
    public var commitInterval: Duration
    /// How long a revoke waits for in-flight work of the revoked partitions.
    public var rebalanceDrainDeadline: Duration
    /// How often librdkafka reports statistics.
    public var statisticsInterval: Duration

    /// Properties the relay sets itself; the loader rejects them in `properties`.
    public static let ownedProperties: [String: String] = [
        "bootstrap.servers": "set kafka.brokers instead",
        "metadata.broker.list": "set kafka.brokers instead",
        "group.id": "set kafka.groupId instead",
        "enable.auto.commit": "the relay commits only offsets whose records are done (at-least-once)",
        "enable.auto.offset.store": "the relay stores only offsets whose records are done (at-least-once)",
        "auto.commit.interval.ms": "set kafka.commitInterval instead",
        "enable.partition.eof": "the relay's consumer does not use partition EOF events",
        "statistics.interval.ms": "set kafka.statisticsInterval instead",
        "auto.offset.reset": "set kafka.startFrom instead (earliest, latest, a time or a duration back)",
        "group.instance.id": "set kafka.instanceId instead",
        "group.protocol": "set kafka.groupProtocol instead (classic or consumer)",
    ]

    /// Properties the broker decides under KIP-848's protocol: librdkafka refuses them with `group.protocol=consumer`.
    public static let classicOnlyProperties: [String: String] = [
        "session.timeout.ms": "the broker sets it (group.consumer.session.timeout.ms)",
        "heartbeat.interval.ms": "the broker sets it (group.consumer.heartbeat.interval.ms)",
        "partition.assignment.strategy": "the broker assigns; choose its assignor with group.remote.assignor",
        "group.protocol.type": "it belongs to the classic protocol",
    ]

    /// The consumer group protocol (`kafka.groupProtocol`, librdkafka's `group.protocol`).
    public enum GroupProtocol: String, Sendable, Equatable, CaseIterable {
        /// Kafka's original protocol: the members' leader assigns with `partition.assignment.strategy`.
        case classic
        /// KIP-848's: the broker assigns, and members reconcile incrementally through heartbeats (Kafka 4.0 and
        /// later, librdkafka 2.12 and later).
        case consumer
    }

    /// Where a partition with no committed offset starts: the `kafka.startFrom` key.
    public typealias StartPosition = RelayCore.StartPosition
}

/// `twilio`: account, credentials and the Sync service.
public struct TwilioConfiguration: Sendable, Equatable {
    /// The Account SID (`AC...`).
    public var accountSid: String
    /// How requests authenticate.
    public var auth: TwilioAuth
    /// The Sync Service SID (`IS...` or `default`).
    public var serviceSid: String
    /// The API root, e.g. `https://sync.twilio.com`.
    public var baseURL: String
    /// Time allowed to connect.
    public var connectTimeout: Duration
    /// Time allowed for a whole request.
    public var requestTimeout: Duration
    /// How long requests may fail without a success before readiness reports Twilio unavailable.
    public var unavailableAfter: Duration
    /// Cap on requests in flight.
    public var maxConcurrentRequests: Int
    /// Cap on connections to the host.
    public var maxConnections: Int
    /// The account's limit on concurrent requests, when the operator knows it (nil: learned from a 20429).
    public var accountConcurrencyLimit: Int? = nil
    /// Stream creations per second across all streams.
    public var maxCreatesPerSecond: Int = 25
    /// Released streams remembered as existing at Twilio.
    public var knownStreams: Int = 200_000
}

/// Twilio HTTP basic credentials: the account's auth token, or an API key and its secret.
public enum TwilioAuth: Sendable, Equatable, CustomStringConvertible {
    /// Username: the Account SID; password: the auth token.
    case authToken(SecretText)
    /// Username: the API Key SID; password: its secret.
    case apiKey(sid: String, secret: SecretText)

    public var description: String {
        switch self {
        case .authToken: "auth token \(SecretText.mask)"
        case .apiKey(let sid, _): "API key \(sid) with secret \(SecretText.mask)"
        }
    }
}

/// A secret string. Printing, interpolating or dumping it shows a mask; only `reveal()` gives the text, for the
/// one place that needs it (the HTTP Authorization header).
public struct SecretText: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What a secret shows instead of its text.
    public static let mask = "********"
    private let text: String

    /// Wraps `text`.
    public init(_ text: String) { self.text = text }

    /// The secret itself. Never log or print it.
    public func reveal() -> String { text }

    public var description: String { Self.mask }
    public var debugDescription: String { Self.mask }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// `metrics`.
public struct MetricsConfiguration: Sendable, Equatable {
    /// Whether the endpoint runs.
    public var enabled: Bool
    /// Where it listens.
    public var listen: HostPort
}

/// `log`.
public struct LogConfiguration: Sendable, Equatable {
    /// The lowest level logged.
    public var level: Level
    /// How lines are written.
    public var format: Format

    /// swift-log's levels, by swift-log's names.
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// `text` (`level message key=value ...`, for journald) or `json` (one object per line, for log shippers).
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case text, json
    }

    public init(level: Level, format: Format) {
        self.level = level
        self.format = format
    }
}

/// `shutdown`.
public struct ShutdownConfiguration: Sendable, Equatable {
    /// How long SIGTERM keeps publishing before committing and exiting.
    public var drainDeadline: Duration
}
