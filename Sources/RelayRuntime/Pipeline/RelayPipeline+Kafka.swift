import Foundation
import RelayCore

/// The consumer's side (`ConsumerEvents`): records in, rebalances, commits, statistics. Poll thread.
extension RelayPipeline {
    public func handle(records: [SourceRecord]) {
        apply(.recordsReceived(records))
    }

    public func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment) {
        apply(.partitionsAssigned(partitions, assignment: assignment))
        if !assignment.partitions.isEmpty { health.setReady(.kafka) }
        logger.info("kafka.assignment", metadata: [LogKey.partitions: .stringConvertible(assignment.partitions.count)])
    }

    public func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) {
        // The loop ends the revoke once its streams have nothing in flight (the poll thread may block meanwhile);
        // at the deadline it is ended as it stands. Either way the engine's `.commit` has handed the final offsets
        // to the committer when the reply comes.
        let reply = Reply<Bool>()
        loop.enqueue { [self] driven in
            handle(.partitionsRevoked(partitions, remaining: remaining), &driven)
            driven.revoke = (partitions, reply)
            settle(&driven)
        }
        if reply.wait(until: deadline) != nil { return }
        loop.enqueue { [self] driven in endRevoke(&driven) }
        _ = reply.wait()
    }

    public func commitDue() {
        loop.sync { [self] driven in handle(.commitRequested, &driven) }
    }

    public func statisticsUpdated(_ statistics: ConsumerStatistics) {
        let (hasAssignment, waiting) = loop.sync { ($0.engine.hasAssignment, $0.engine.oldestWaitingTimestamps) }
        if statistics.brokersUp > 0 {
            if hasAssignment { health.setReady(.kafka) }
        } else {
            health.setNotReady(.kafka, reason: "no Kafka broker is connected")
        }
        let commitLag = statistics.commitLag
        for (partition, figures) in statistics.partitions {
            observer.partitionLag(
                topic: partition.topic, partition: partition.partition, consumerLag: figures.consumerLag,
                commitLag: commitLag[partition])
        }
        // Lag in seconds, for the partitions the engine owns (whatever librdkafka's statistics list): zero when
        // nothing waits (or the oldest waiting record has no timestamp), the oldest waiting record's age otherwise.
        // A partition owned at the last sample and not now loses its series.
        let now = wallClock.milliseconds()
        for (partition, timestamp) in waiting {
            let oldest = timestamp.map { wallClock.age(ofTimestamp: $0, now: now) } ?? .zero
            observer.partitionWaiting(topic: partition.topic, partition: partition.partition, oldest: oldest)
        }
        let owned = Set(waiting.keys)
        let gone = exportedWaiting.withLock { exported in
            defer { exported = owned }
            return exported.subtracting(owned)
        }
        for partition in gone {
            observer.partitionWaiting(topic: partition.topic, partition: partition.partition, oldest: nil)
        }
    }

    public func consumerFailed(reason: String, isFatal: Bool) {
        if isFatal { health.setNotReady(.kafka, reason: "fatal Kafka error: \(reason)") }
    }
}
