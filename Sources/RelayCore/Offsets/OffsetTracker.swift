/// Tracks, per assigned partition, which received records are done (published, or deliberately dropped or
/// dead-lettered) and yields the offset that is safe to commit: never past a record that is not done.
///
/// At-least-once: after a crash, what was not committed is consumed again (duplicates are acceptable, gaps are bugs).
/// It also bounds how many records per partition may be outstanding; a full partition should be paused (this feeds
/// the `block` overflow policy). Pure value; `RelayEngine` owns it.
public struct OffsetTracker: Sendable {
    /// What `receive` made of a record.
    public enum Reception: Sendable, Hashable {
        /// Tracked. `full` says the partition reached its outstanding bound and should be paused.
        case tracked(full: Bool)
        /// The partition is not assigned (a record from before a revoke): ignore the record.
        case unassigned
        /// At or below an offset already received (a redelivery): ignore the record.
        case duplicate
        /// The partition already has `maxOutstandingPerPartition` outstanding records: pause it and offer the record
        /// again later.
        case full
    }

    /// The default bound of outstanding records per partition.
    public static let defaultMaxOutstanding = 100_000

    /// The most records one partition may have outstanding.
    public let maxOutstandingPerPartition: Int
    private var partitions: [TopicPartition: PartitionOffsets] = [:]

    /// A tracker bounding each partition to `maxOutstandingPerPartition` outstanding records.
    public init(maxOutstandingPerPartition: Int = OffsetTracker.defaultMaxOutstanding) {
        precondition(maxOutstandingPerPartition > 0, "the outstanding bound must be positive")
        self.maxOutstandingPerPartition = maxOutstandingPerPartition
    }

    /// Starts tracking `partition` (assigned in a rebalance). `committed` is the group's committed offset, if any.
    /// Re-assigning a tracked partition starts it afresh.
    public mutating func assign(_ partition: TopicPartition, committed: Int64? = nil) {
        partitions[partition] = PartitionOffsets(committed: committed)
    }

    /// Stops tracking `partition` (revoked, after draining): returns the final offset to commit, if any. Records not
    /// done are consumed again by the partition's next owner.
    public mutating func revoke(_ partition: TopicPartition) -> Int64? {
        partitions.removeValue(forKey: partition)?.commitOffset
    }

    /// Whether `partition` is being tracked (assigned and not revoked).
    public func isAssigned(_ partition: TopicPartition) -> Bool {
        partitions[partition] != nil
    }

    /// The partitions being tracked.
    public var assignedPartitions: Set<TopicPartition> { Set(partitions.keys) }

    /// Records that the record at `offset` of `partition` (Kafka timestamp `timestamp`, milliseconds since the Unix
    /// epoch) was received and is now outstanding.
    public mutating func receive(_ partition: TopicPartition, offset: Int64, timestamp: Int64? = nil) -> Reception {
        guard partitions[partition] != nil else { return .unassigned }
        if partitions[partition]!.outstanding >= maxOutstandingPerPartition { return .full }
        guard partitions[partition]!.receive(offset, timestamp: timestamp) else { return .duplicate }
        return .tracked(full: partitions[partition]!.outstanding >= maxOutstandingPerPartition)
    }

    /// Marks the record at `offset` of `partition` done, in any order. Returns whether it was outstanding (false for
    /// unknown partitions or offsets, e.g. after a revoke).
    @discardableResult
    public mutating func markDone(_ partition: TopicPartition, offset: Int64) -> Bool {
        partitions[partition]?.markDone(offset) ?? false
    }

    /// The offset to commit for `partition`: one past its highest contiguous done offset (Kafka's convention, the
    /// next offset to consume), or `nil` when nothing is done yet.
    public func commitOffset(_ partition: TopicPartition) -> Int64? {
        partitions[partition]?.commitOffset
    }

    /// The highest contiguous done offset of `partition` (`commitOffset - 1`).
    public func highestContiguousDone(_ partition: TopicPartition) -> Int64? {
        commitOffset(partition).map { $0 - 1 }
    }

    /// Every tracked partition's commit offset, for a periodic or final commit.
    public var commitOffsets: [TopicPartition: Int64] {
        partitions.compactMapValues(\.commitOffset)
    }

    /// Every tracked partition with the Kafka timestamp of its oldest record not yet done: nil when none waits (or
    /// the oldest has no timestamp). The age of that record is how stale the partition's data at Twilio can be.
    public var oldestWaitingTimestamps: [TopicPartition: Int64?] {
        partitions.mapValues(\.oldestWaitingTimestamp)
    }

    /// Records of `partition` received and not yet committable.
    public func outstanding(_ partition: TopicPartition) -> Int {
        partitions[partition]?.outstanding ?? 0
    }

    /// Whether `partition` reached its outstanding bound (pause it).
    public func isFull(_ partition: TopicPartition) -> Bool {
        outstanding(partition) >= maxOutstandingPerPartition
    }

    /// Whether `partition` may resume: at most half its bound outstanding.
    public func canResume(_ partition: TopicPartition) -> Bool {
        outstanding(partition) * 2 <= maxOutstandingPerPartition
    }
}
