import RelayCore

/// What a `KafkaConsumer` needs: the group, its subscriptions, librdkafka properties, and the commit cadence.
public struct KafkaConsumerSettings: Sendable {
    /// Bootstrap brokers, `host:port`.
    public var brokers: [String]
    /// Consumer group id.
    public var groupId: String
    /// Topic names and `^` patterns.
    public var topics: [String]
    /// Where a partition with no committed offset starts (`auto.offset.reset`).
    public var startFrom: KafkaConfiguration.StartPosition
    /// Static membership id (`group.instance.id`); nil: dynamic membership.
    public var instanceId: String?
    /// The consumer group protocol (`group.protocol`).
    public var groupProtocol: KafkaConfiguration.GroupProtocol = .classic
    /// librdkafka properties passed through (already checked against the ones the relay owns).
    public var properties: [(name: String, value: String)]
    /// How often done offsets are committed.
    public var commitInterval: Duration
    /// How long a revoke may wait for in-flight work.
    public var rebalanceDrainDeadline: Duration
    /// How often librdkafka reports statistics.
    public var statisticsInterval: Duration
    /// Most records handed to the handler in one call.
    public var maximumBatch: Int

    /// Settings from the relay's `kafka` configuration.
    public init(_ configuration: KafkaConfiguration) {
        self.init(
            brokers: configuration.brokers, groupId: configuration.groupId,
            topics: configuration.topics.map(\.description), startFrom: configuration.startFrom,
            instanceId: configuration.instanceId, properties: configuration.properties.all,
            commitInterval: configuration.commitInterval,
            rebalanceDrainDeadline: configuration.rebalanceDrainDeadline,
            statisticsInterval: configuration.statisticsInterval
        )
        groupProtocol = configuration.groupProtocol
    }

    /// Settings given one by one.
    public init(
        brokers: [String], groupId: String, topics: [String],
        startFrom: KafkaConfiguration.StartPosition = .earliest, instanceId: String? = nil,
        properties: [(name: String, value: String)] = [],
        commitInterval: Duration = .seconds(5), rebalanceDrainDeadline: Duration = .seconds(10),
        statisticsInterval: Duration = .seconds(10), maximumBatch: Int = 1000
    ) {
        self.brokers = brokers
        self.groupId = groupId
        self.topics = topics
        self.startFrom = startFrom
        self.instanceId = instanceId
        self.properties = properties
        self.commitInterval = commitInterval
        self.rebalanceDrainDeadline = rebalanceDrainDeadline
        self.statisticsInterval = statisticsInterval
        self.maximumBatch = maximumBatch
    }

    /// Every librdkafka property the consumer is created with: the relay's own, then the passthrough ones.
    var librdkafkaProperties: [(name: String, value: String)] {
        [
            ("bootstrap.servers", brokers.joined(separator: ",")),
            ("group.id", groupId),
            // At-least-once: nothing is stored or committed unless the engine reports it done.
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "false"),
            ("statistics.interval.ms", String(Self.milliseconds(statisticsInterval))),
            // Applies to a partition with no committed offset, and to one whose committed offset is out of range.
            ("auto.offset.reset", startFrom.autoOffsetReset),
        ] + (instanceId.map { [("group.instance.id", $0)] } ?? [])
            + (groupProtocol == .consumer ? [("group.protocol", groupProtocol.rawValue)] : []) + properties
    }

    /// Checks every property against this librdkafka, creating (and at once destroying) a consumer that does not
    /// connect: an unknown name, a value it refuses, a feature this build lacks (OIDC on Debian 12's librdkafka),
    /// properties that contradict each other, or a TLS file that does not parse is an error with librdkafka's
    /// reason. `sync-relay check` runs it, so such a configuration fails before the service starts.
    public func validate() throws(KafkaError) {
        try RDKafkaConfiguration.validateConsumer(librdkafkaProperties)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
