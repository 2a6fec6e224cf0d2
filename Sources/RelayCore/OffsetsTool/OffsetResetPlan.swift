/// What a reset does to each partition: from the committed offset to the target's offset. Pure: the caller supplies
/// the positions and, for a time, what offsets-for-times answered.
public struct OffsetResetPlan: Sendable, Equatable {
    /// One partition's move.
    public struct Move: Sendable, Equatable {
        /// The partition.
        public var partition: TopicPartition
        /// The committed offset now; nil when none is.
        public var current: Int64?
        /// The offset to commit.
        public var target: Int64
        /// Why the target is not what the operator might expect (e.g. no record that recent: the log end).
        public var note: String?

        /// Creates a move.
        public init(partition: TopicPartition, current: Int64?, target: Int64, note: String? = nil) {
            self.partition = partition
            self.current = current
            self.target = target
            self.note = note
        }
    }

    /// The moves, one per partition, in the positions' order.
    public var moves: [Move]

    /// The plan for `target` over `positions`. For a time target, `timeOffsets` holds what offsets-for-times
    /// answered per partition: the first offset at or after the time, or nil where no record is that recent (then
    /// the log end). Every target lies within the log (log start ... log end).
    public init(
        positions: [PartitionPosition], target: OffsetResetTarget, timeOffsets: [TopicPartition: Int64?] = [:]
    ) {
        moves = positions.map { position in
            var note: String?
            var offset: Int64
            switch target {
            case .earliest: offset = position.logStart
            case .latest: offset = position.logEnd
            case .time, .ago:
                if let found = timeOffsets[position.partition] ?? nil, found >= 0 {
                    offset = found
                } else {
                    offset = position.logEnd
                    note = "no record at or after that time: log end"
                }
            }
            if offset < position.logStart {
                offset = position.logStart
                note = "before the log start: log start"
            } else if offset > position.logEnd {
                offset = position.logEnd
                note = "past the log end: log end"
            }
            return Move(partition: position.partition, current: position.committed, target: offset, note: note)
        }
    }
}
