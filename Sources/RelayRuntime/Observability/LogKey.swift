/// Metadata keys of the runtime's and the executable's log lines, declared once so one key is spelt one way in
/// every line. The Kafka adapter keeps its own `kafka.*` keys in RelayKafka.
public enum LogKey {
    // The relay and its streams.
    public static let version = "relay.version"
    public static let config = "relay.config"
    public static let stream = "relay.stream"
    public static let route = "relay.route"
    public static let topic = "relay.topic"
    public static let partitions = "relay.partitions"
    public static let recreated = "relay.recreated"
    public static let ttlSeconds = "relay.ttl_seconds"
    public static let error = "relay.error"
    public static let reason = "relay.reason"
    public static let reasons = "relay.reasons"
    public static let count = "relay.count"
    public static let sequence = "relay.sequence"
    public static let outcome = "relay.outcome"
    public static let drainDeadline = "relay.drain_deadline"
    public static let drainComplete = "relay.complete"
    public static let keys = "relay.keys"
    public static let took = "relay.took"
    // The configuration's peers, logged at start.
    public static let kafkaBrokers = "kafka.brokers"
    public static let kafkaGroup = "kafka.group"
    public static let kafkaInstanceId = "kafka.instance_id"
    public static let kafkaTopics = "kafka.topics"
    public static let twilioBaseURL = "twilio.base_url"
    public static let twilioService = "twilio.service"
    public static let twilioConcurrencyLimit = "twilio.concurrency.limit"
    // The metrics endpoint and systemd.
    public static let metricsListen = "metrics.listen"
    public static let metricsAddress = "metrics.address"
    public static let metricsPort = "metrics.port"
    public static let notifySocket = "systemd.socket"
    public static let notifyState = "systemd.state"
    public static let watchdogInterval = "systemd.watchdog.interval"
    public static let systemdError = "systemd.error"
}
