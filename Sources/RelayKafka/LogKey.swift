import Logging

/// Metadata keys of the Kafka adapter's log lines, declared once.
enum LogKey {
    static let facility = "kafka.facility"
    static let message = "kafka.message"
    static let code = "kafka.code"
    static let partitions = "kafka.partitions"
    static let topic = "kafka.topic"
    static let count = "kafka.count"
    static let protocolName = "kafka.rebalance.protocol"
    static let error = "kafka.error"
    static let timeout = "kafka.timeout"
    static let lost = "kafka.lost"
    static let startFrom = "kafka.start_from"
}
