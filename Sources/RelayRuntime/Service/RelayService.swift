import Logging
import RelayKafka
import ServiceLifecycle

/// The relay as one lifecycle service: the Kafka consumer feeding the pipeline, and the pipeline's run.
///
/// Graceful shutdown is business logic here: stop intake (pause every partition), keep publishing what is queued
/// until it is drained or the drain deadline passes, then stop the consumer, which commits what is done and leaves
/// the group. What was not done is consumed again after the restart.
public struct RelayService: Service {
    let pipeline: RelayPipeline
    let consumer: KafkaConsumer
    let drainDeadline: Duration
    let logger: Logger

    /// Creates the service; the pipeline must already be attached to the consumer.
    public init(pipeline: RelayPipeline, consumer: KafkaConsumer, drainDeadline: Duration, logger: Logger) {
        self.pipeline = pipeline
        self.consumer = consumer
        self.drainDeadline = drainDeadline
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pipeline.run() }
            group.addTask { [pipeline, consumer, drainDeadline, logger] in
                // Waits for SIGTERM (throws when cancelled instead, e.g. because the consumer failed).
                guard (try? await gracefulShutdown()) != nil else { return }
                logger.info("relay.draining", metadata: [LogKey.drainDeadline: .string("\(drainDeadline)")])
                let drained = await pipeline.drain(deadline: .now + drainDeadline)
                logger.info("relay.drained", metadata: [LogKey.drainComplete: .stringConvertible(drained)])
                consumer.stop()
            }
            do {
                try await consumer.run()
            } catch {
                logger.critical("relay.kafka.fatal", metadata: [LogKey.error: .string("\(error)")])
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
        logger.info("relay.stopped")
    }
}
