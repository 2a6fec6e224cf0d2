extension KafkaConsumerSettings {
    /// Properties the group admin's client takes: the consumer's, without anything that would make it a member or
    /// have it commit (`group.id`, `group.instance.id`, `group.protocol`) and without the statistics it would not
    /// read. Security properties pass through unchanged.
    var adminProperties: [(name: String, value: String)] {
        librdkafkaProperties.filter { !Self.memberOnly.contains($0.name) && $0.name != "group.id" }
    }

    /// Properties of the short-lived client that reads record timestamps: the group's id (librdkafka's assign
    /// needs one; it never joins), without static membership or the KIP-848 protocol.
    var readerProperties: [(name: String, value: String)] {
        librdkafkaProperties.filter { !Self.memberOnly.contains($0.name) }
    }

    private static let memberOnly: Set<String> = ["group.instance.id", "group.protocol", "statistics.interval.ms"]
}
