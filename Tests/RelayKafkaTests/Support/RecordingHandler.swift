import RelayCore
import RelayKafka
import Synchronization

/// A `KafkaConsumerHandler` for tests that keeps what it is told and tracks offsets with the real `OffsetTracker`.
/// With `markDoneOnReceipt`, every record is done as soon as it arrives (as if published at once).
final class RecordingHandler: KafkaConsumerHandler {
    struct State {
        var records: [SourceRecord] = []
        var tracker = OffsetTracker()
        var assignment = PartitionAssignment()
        var assignments: [PartitionAssignment] = []
        var revoked: [TopicPartition] = []
        var statistics: KafkaStatistics?
        var errors: [KafkaError] = []
        /// Records received for a partition this member did not own at that moment (must stay empty).
        var unownedReceipts: [SourceRecord] = []
    }

    let state = Mutex(State())
    let markDoneOnReceipt: Bool
    /// Run on the poll thread at each revoke, after the handler took note of it (e.g. to stop the consumer mid-rebalance).
    let onRevoke = Mutex<(@Sendable () -> Void)?>(nil)

    init(markDoneOnReceipt: Bool = true) { self.markDoneOnReceipt = markDoneOnReceipt }

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
    ) -> [TopicPartition: Int64] {
        let offsets = state.withLock { state in
            var offsets: [TopicPartition: Int64] = [:]
            for partition in partitions { offsets[partition] = state.tracker.revoke(partition) }
            state.revoked += partitions
            state.assignment = remaining
            state.assignments.append(remaining)
            return offsets
        }
        onRevoke.withLock { $0 }?()
        return offsets
    }

    func nextOffsetsToCommit() -> [TopicPartition: Int64] { state.withLock { $0.tracker.commitOffsets } }

    func statisticsUpdated(_ statistics: KafkaStatistics) { state.withLock { $0.statistics = statistics } }

    func kafkaError(_ error: KafkaError, isFatal: Bool) { state.withLock { $0.errors.append(error) } }

    /// Marks a received record done, as the engine does when its message is accepted.
    func markDone(_ partition: TopicPartition, offset: Int64) {
        state.withLock { _ = $0.tracker.markDone(partition, offset: offset) }
    }

    var records: [SourceRecord] { state.withLock { $0.records } }
}
