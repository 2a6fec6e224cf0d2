import Foundation
import RelayCore
import RelayKafka

/// The consumer's side: records in, rebalances, commits, statistics. Poll thread; never awaits.
extension RelayPipeline {
    public func handle(records: [SourceRecord]) {
        var toWake: [Wakeup] = []
        var consumed: [String: Int] = [:]
        let toPause = state.withLock { state -> [TopicPartition] in
            let pausedBefore = state.paused
            for record in records {
                let partition = record.topicPartition
                switch state.tracker.receive(partition, offset: record.offset) {
                case .unassigned, .duplicate:
                    continue
                case .full:
                    // The partition has too many records outstanding: hold the record and pause the partition.
                    // (`full` does not track the record: it is received when offered again from `held`.)
                    state.held[partition, default: []].append(HeldRecord(record: record, received: false))
                    state.paused.insert(partition)
                    continue
                case .tracked:
                    break
                }
                consumed[record.topic, default: 0] += 1
                if state.stopping || state.held[partition] != nil {
                    state.held[partition, default: []].append(HeldRecord(record: record, received: true))  // keep order
                    state.paused.insert(partition)
                    continue
                }
                if !offer(record, in: &state, wake: &toWake) {
                    state.held[partition, default: []].append(HeldRecord(record: record, received: true))
                    state.paused.insert(partition)
                }
            }
            return Array(state.paused.subtracting(pausedBefore))
        }
        for (topic, count) in consumed { observer.recordsConsumed(topic: topic, count: count) }
        for wakeup in toWake { wakeup.signal() }
        if !toPause.isEmpty { consumer.withLock { $0 }?.pause(toPause) }
    }

    public func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment) {
        state.withLock { state in
            for partition in partitions { state.tracker.assign(partition) }
            state.assignment = assignment
            applyShares(in: &state)
        }
        if !assignment.partitions.isEmpty { health.setReady(.kafka) }
        logger.info("kafka.assignment", metadata: [LogKeys.partitions: .stringConvertible(assignment.partitions.count)])
    }

    public func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) -> [TopicPartition: Int64] {
        let revoked = Set(partitions)
        // Stop feeding the revoked partitions: queued records are discarded (not done, so the next owner consumes
        // them again); held ones too.
        let feeding = state.withLock { state -> [String] in
            var feeding: [String] = []
            for (name, entry) in state.streams where !entry.partitions.isDisjoint(with: revoked) {
                for partition in revoked { _ = state.streams[name]!.lane.discardQueued(of: partition) }
                state.streams[name]!.partitions.subtract(revoked)
                feeding.append(name)
            }
            for partition in revoked { state.held[partition] = nil }
            state.paused.subtract(revoked)
            state.assignment = remaining
            applyShares(in: &state)
            return feeding
        }
        // Let in-flight publishes of those streams finish until the deadline (poll thread: blocking is fine).
        while ContinuousClock.now < deadline {
            let busy = state.withLock { state in
                !state.workersStopped && feeding.contains { state.streams[$0].map { $0.lane.inFlightCount > 0 || !$0.drops.isEmpty } ?? false }
            }
            if !busy { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return state.withLock { state in
            var offsets: [TopicPartition: Int64] = [:]
            for partition in partitions { offsets[partition] = state.tracker.revoke(partition) }
            return offsets
        }
    }

    public func nextOffsetsToCommit() -> [TopicPartition: Int64] {
        state.withLock { $0.tracker.commitOffsets }
    }

    public func statisticsUpdated(_ statistics: KafkaStatistics) {
        if statistics.brokersUp > 0 {
            if !state.withLock({ $0.assignment.partitions.isEmpty }) { health.setReady(.kafka) }
        } else {
            health.setNotReady(.kafka, reason: "no Kafka broker is connected")
        }
        for (partition, figures) in statistics.partitions {
            var commitLag: Int64?
            if let high = figures.highWatermark, let committed = figures.committedOffset, let lag = figures.consumerLag {
                commitLag = max(0, high - committed - lag)
            }
            observer.partitionLag(topic: partition.topic, partition: partition.partition, consumerLag: figures.consumerLag, commitLag: commitLag)
        }
    }

    public func kafkaError(_ error: KafkaError, isFatal: Bool) {
        if isFatal {
            state.withLock { $0.fatalError = error }
            health.setNotReady(.kafka, reason: "fatal Kafka error: \(error.reason)")
        }
    }

    /// Gives each stream's pacer its topic's share of the budget (scale-out).
    private func applyShares(in state: inout State) {
        for name in state.streams.keys {
            let share = state.assignment.share(of: state.streams[name]!.topic)
            if share > 0 { state.streams[name]!.lane.setShare(share) }
        }
    }
}
