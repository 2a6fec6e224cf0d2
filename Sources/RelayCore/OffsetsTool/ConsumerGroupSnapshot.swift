/// A consumer group as its coordinator describes it (Kafka's DescribeGroups): its state and its active members.
public struct ConsumerGroupSnapshot: Sendable, Equatable {
    /// One active member of the group.
    public struct Member: Sendable, Equatable {
        /// The member id the coordinator gave it.
        public var memberId: String
        /// The client's `client.id` (librdkafka's default is `rdkafka`).
        public var clientId: String
        /// The host the member connected from, as the broker saw it (e.g. `/10.0.0.5`).
        public var host: String
        /// Its static membership id (`kafka.instanceId`), if any.
        public var instanceId: String?

        /// Creates a member.
        public init(memberId: String, clientId: String, host: String, instanceId: String? = nil) {
            self.memberId = memberId
            self.clientId = clientId
            self.host = host
            self.instanceId = instanceId
        }
    }

    /// The coordinator's state name: `Stable`, `Empty`, `Dead`, `PreparingRebalance`, `CompletingRebalance`, ...
    public var state: String
    /// The active members.
    public var members: [Member]

    /// Creates a snapshot.
    public init(state: String, members: [Member]) {
        self.state = state
        self.members = members
    }
}

/// What the tool knows about the group's membership: described by the coordinator, or unknown because the broker
/// does not implement DescribeGroups (librdkafka's mock cluster).
public enum ConsumerGroupActivity: Sendable, Equatable {
    /// The coordinator described the group.
    case described(ConsumerGroupSnapshot)
    /// The broker cannot describe groups; `reason` says what it answered.
    case unknown(reason: String)
}
