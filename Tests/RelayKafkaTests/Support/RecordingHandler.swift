import RelayCore
import RelayKafka
import Synchronization

/// A `ConsumerEvents` for tests that keeps what it is told and tracks offsets with the real `OffsetTracker`, handing
/// what is done to the consumer's `OffsetCommitter` as the driver does (`attach` it first). With
/// `markDoneOnReceipt`, every record is done as soon as it arrives (as if published at once).
final class RecordingHandler: ConsumerEvents {
    struct State {
        var records: [SourceRecord] = []
        var tracker = OffsetTracker()
        var assignment = PartitionAssignment()
        var assignments: [PartitionAssignment] = []
        var revoked: [TopicPartition] = []
        var statistics: ConsumerStatistics?
        var errors: [(reason: String, isFatal: Bool)] = []
        /// Records received for a partition this member did not own at that moment (must stay empty).
        var unownedReceipts: [SourceRecord] = []
    }

    let state = Mutex(State())
    let committer = Mutex<(any OffsetCommitter)?>(nil)
    let markDoneOnReceipt: Bool
    /// Run on the poll thread at each revoke, after the handler took note of it (e.g. to stop the consumer mid-rebalance).
    let onRevoke = Mutex<(@Sendable () -> Void)?>(nil)

    init(markDoneOnReceipt: Bool = true) { self.markDoneOnReceipt = markDoneOnReceipt }

    /// Commits through `consumer` from now on.
    func attach(_ consumer: KafkaConsumer) { committer.withLock { $0 = consumer } }

    func handle(records: [SourceRecord]) {
        state.withLock { state in
            for record in records {
                if !state.assignment.partitions.contains(record.topicPartition) { state.unownedReceipts.append(record) }
                _ = state.tracker.receive(record.topicPartition, offset: record.offset)
                if markDoneOnReceipt { state.tracker.markDone(record.topicPartition, offset: record.offset) }
                state.records.append(record)
            }
        }
    }

    func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment) {
        state.withLock { state in
            for partition in partitions { state.tracker.assign(partition) }
            state.assignment = assignment
            state.assignments.append(assignment)
        }
    }

    func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) {
        let offsets = state.withLock { state in
            var offsets: [TopicPartition: Int64] = [:]
            for partition in partitions { offsets[partition] = state.tracker.revoke(partition) }
            state.revoked += partitions
            state.assignment = remaining
            state.assignments.append(remaining)
            return offsets
        }
        committer.withLock { $0 }?.commit(offsets)
        onRevoke.withLock { $0 }?()
    }

    func commitDue() {
        let offsets = commitOffsets
        committer.withLock { $0 }?.commit(offsets)
    }

    func statisticsUpdated(_ statistics: ConsumerStatistics) { state.withLock { $0.statistics = statistics } }

    func consumerFailed(reason: String, isFatal: Bool) { state.withLock { $0.errors.append((reason, isFatal)) } }

    /// The offsets of what is done (one past the last contiguous done record per partition).
    var commitOffsets: [TopicPartition: Int64] { state.withLock { $0.tracker.commitOffsets } }

    /// Marks a received record done, as the engine does when its message is accepted.
    func markDone(_ partition: TopicPartition, offset: Int64) {
        state.withLock { _ = $0.tracker.markDone(partition, offset: offset) }
    }

    var records: [SourceRecord] { state.withLock { $0.records } }
}
