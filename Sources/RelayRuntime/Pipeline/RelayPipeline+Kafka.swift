import Foundation
import RelayCore
import RelayKafka

/// The consumer's side: records in, rebalances, commits, statistics. Poll thread.
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
    ) -> [TopicPartition: Int64] {
        // The loop ends the revoke once its streams have nothing in flight (the poll thread may block meanwhile);
        // at the deadline it is ended as it stands.
        let reply = Reply<[TopicPartition: Int64]>()
        loop.enqueue { [self] driven in
            handle(.partitionsRevoked(partitions, remaining: remaining), &driven)
            driven.revoke = (partitions, reply)
            settle(&driven)
        }
        if let offsets = reply.wait(until: deadline) { return offsets }
        loop.enqueue { [self] driven in endRevoke(&driven) }
        return reply.wait()
    }

    public func nextOffsetsToCommit() -> [TopicPartition: Int64] {
        loop.sync { $0.engine.commitOffsets }
    }

    public func statisticsUpdated(_ statistics: KafkaStatistics) {
        if statistics.brokersUp > 0 {
            if loop.sync({ $0.engine.hasAssignment }) { health.setReady(.kafka) }
        } else {
            health.setNotReady(.kafka, reason: "no Kafka broker is connected")
        }
        for (partition, figures) in statistics.partitions {
            var commitLag: Int64?
            if let high = figures.highWatermark, let committed = figures.committedOffset, let lag = figures.consumerLag
            {
                commitLag = max(0, high - committed - lag)
            }
            observer.partitionLag(
                topic: partition.topic, partition: partition.partition, consumerLag: figures.consumerLag,
                commitLag: commitLag)
        }
    }

    public func kafkaError(_ error: KafkaError, isFatal: Bool) {
        if isFatal {
            fatal.withLock { $0 = error }
            health.setNotReady(.kafka, reason: "fatal Kafka error: \(error.reason)")
        }
    }
}
