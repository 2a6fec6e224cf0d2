/// Metadata keys of the runtime's log lines, declared once.
enum LogKeys {
    static let stream = "relay.stream"
    static let topic = "relay.topic"
    static let partitions = "relay.partitions"
    static let recreated = "relay.recreated"
    static let ttlSeconds = "relay.ttl_seconds"
    static let error = "relay.error"
    static let reason = "relay.reason"
    static let count = "relay.count"
    static let sequence = "relay.sequence"
    static let outcome = "relay.outcome"
}
