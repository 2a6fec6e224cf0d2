/// The partitions this group member owns, and the partition count of each subscribed topic, so the engine can give
/// each stream its whole-message allowance of Twilio's per-stream budget (`GroupBudget`) and the group as a whole
/// stays within it.
public struct PartitionAssignment: Sendable, Equatable {
    /// Owned partitions.
    public var partitions: Set<TopicPartition>
    /// All partitions of each topic, as the cluster's metadata reported at the rebalance.
    public var partitionCounts: [String: Int]

    /// Creates an assignment.
    public init(partitions: Set<TopicPartition> = [], partitionCounts: [String: Int] = [:]) {
        self.partitions = partitions
        self.partitionCounts = partitionCounts
    }

    /// The fraction of `topic`'s partitions owned: 0 when none, 1 when all (or when the count is unknown and some
    /// are owned). For reports and tests: the engine's allowances are whole messages (`GroupBudget`), not this.
    public func share(of topic: String) -> Double {
        let owned = partitions.lazy.filter { $0.topic == topic }.count
        guard owned > 0 else { return 0 }
        guard let total = partitionCounts[topic], total > 0 else { return 1 }
        return min(1, Double(owned) / Double(total))
    }

    /// Topics with at least one owned partition.
    public var topics: Set<String> { Set(partitions.map(\.topic)) }
}
