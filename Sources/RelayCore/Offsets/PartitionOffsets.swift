/// The received and done offsets of one assigned partition, in the order Kafka delivered them.
///
/// Offsets arrive in increasing order (with gaps: compaction, transaction markers); they may be marked done in any
/// order. The front of the window is popped while done, so the commit point is always the offset after the highest
/// contiguous done one. Memory is bounded by the caller's outstanding limit.
struct PartitionOffsets: Sendable {
    /// Outstanding offsets (received, and either not done or behind one that is not), oldest first.
    private var offsets: [Int64] = []
    private var done: [Bool] = []
    /// Each outstanding offset's Kafka timestamp (milliseconds since the Unix epoch), `Int64.min` when it had none.
    private var timestamps: [Int64] = []
    private var head = 0
    /// The offset Kafka should resume from: one past the highest contiguous done offset. `nil` until one is done.
    private(set) var commitOffset: Int64?
    /// The highest offset received so far.
    private(set) var highestReceived: Int64?

    init(committed: Int64?) {
        commitOffset = committed
    }

    /// Offsets received and not yet committable.
    var outstanding: Int { offsets.count - head }

    /// The Kafka timestamp of the oldest record not yet done (the one the commit point waits for), if it had one.
    var oldestWaitingTimestamp: Int64? {
        guard head < offsets.count, timestamps[head] != .min else { return nil }
        return timestamps[head]
    }

    /// Records `offset` (stamped `timestamp`) as received; it must be above every offset received before.
    mutating func receive(_ offset: Int64, timestamp: Int64? = nil) -> Bool {
        if let highestReceived, offset <= highestReceived { return false }
        highestReceived = offset
        offsets.append(offset)
        done.append(false)
        timestamps.append(timestamp ?? .min)
        return true
    }

    /// Marks `offset` done; returns whether it was outstanding.
    mutating func markDone(_ offset: Int64) -> Bool {
        // Binary search in the live window (offsets are increasing).
        var low = head
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        guard low < offsets.count, offsets[low] == offset, !done[low] else { return false }
        done[low] = true
        while head < offsets.count && done[head] {
            commitOffset = offsets[head] + 1
            head += 1
        }
        if head == offsets.count {
            offsets.removeAll(keepingCapacity: true)
            done.removeAll(keepingCapacity: true)
            timestamps.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= offsets.count {
            offsets.removeFirst(head)
            done.removeFirst(head)
            timestamps.removeFirst(head)
            head = 0
        }
        return true
    }
}
