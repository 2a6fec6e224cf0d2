/// Where a record's value stands in its entity's order, as the snapshot's `Data` carries it (`tp`, `p`, `o`, `t`), so
/// that a relay can tell whether Twilio's copy is older than a value before writing it (decision 0012).
///
/// Kafka orders records within a partition only: two values from the same partition compare by offset, whatever
/// their timestamps. Values from different partitions (an entity named from a value field, fed by several) compare
/// by timestamp, then by topic and partition so that the order is the same on every relay.
public struct SnapshotVersion: Sendable, Hashable, CustomStringConvertible {
    /// Source topic.
    public var topic: String
    /// Source partition.
    public var partition: Int32
    /// Offset within the partition.
    public var offset: Int64
    /// Kafka timestamp in milliseconds since the Unix epoch, if the record has one.
    public var timestamp: Int64?

    /// The version of the record at `offset` of `topic`'s `partition`.
    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }

    /// The version of `record`.
    public init(of record: SourceRecord) {
        self.init(
            topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp)
    }

    /// Whether this value comes after `other` in the entity's order.
    public func isNewer(than other: SnapshotVersion) -> Bool {
        if topic == other.topic && partition == other.partition { return offset > other.offset }
        let mine = timestamp ?? .min
        let theirs = other.timestamp ?? .min
        if mine != theirs { return mine > theirs }
        return topic != other.topic ? topic > other.topic : partition > other.partition
    }

    public var description: String { "\(topic)/\(partition)@\(offset)" }
}
