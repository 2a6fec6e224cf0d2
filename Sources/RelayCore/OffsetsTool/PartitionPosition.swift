/// Where the group stands on one partition: its committed offset against the log, and how old the next record is.
public struct PartitionPosition: Sendable, Equatable {
    /// What the lag is counted from.
    public enum LagBasis: String, Sendable, Equatable {
        /// Log end − committed offset.
        case committed
        /// Log end − log start: nothing is committed, so everything still in the log is unread.
        case logStart
    }

    /// The partition.
    public var partition: TopicPartition
    /// The group's committed offset (the next record to relay); nil when none is committed.
    public var committed: Int64?
    /// The first offset still in the log (low watermark).
    public var logStart: Int64
    /// The offset the next produced record gets (high watermark).
    public var logEnd: Int64
    /// The timestamp (Unix milliseconds) of the next record the group would relay: the one at the committed offset,
    /// or at the log start when nothing is committed. Nil when caught up, or when it could not be read in time.
    public var nextRecordTimestamp: Int64?

    /// Creates a position.
    public init(
        partition: TopicPartition, committed: Int64?, logStart: Int64, logEnd: Int64, nextRecordTimestamp: Int64? = nil
    ) {
        self.partition = partition
        self.committed = committed
        self.logStart = logStart
        self.logEnd = logEnd
        self.nextRecordTimestamp = nextRecordTimestamp
    }

    /// What `lag` counts from.
    public var lagBasis: LagBasis { committed == nil ? .logStart : .committed }

    /// Records not yet relayed: log end − committed, or log end − log start when nothing is committed. Never
    /// negative (a committed offset past the end, after a topic was recreated, counts as caught up).
    public var lag: Int64 { max(0, logEnd - (committed ?? logStart)) }

    /// The offset the group's next record is at, when there is one to read: the committed offset (or the log start
    /// when nothing is committed, or when the committed record was deleted by retention); nil when caught up.
    public var nextRecordOffset: Int64? {
        guard lag > 0 else { return nil }
        return max(committed ?? logStart, logStart)
    }
}
