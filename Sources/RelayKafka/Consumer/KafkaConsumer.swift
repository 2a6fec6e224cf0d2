import CLibRDKafka
import Foundation
import Logging
import RelayCore
import Synchronization

/// A Kafka consumer-group member: subscribes, polls on its own thread, hands records to a `KafkaConsumerHandler`,
/// follows rebalances (eager or cooperative), pauses and resumes partitions for back-pressure, and commits only
/// the offsets the handler reports done.
///
/// Life: `run()` is the whole life (subscribe, poll until `stop()`, final commit, unsubscribe and revoke, close). The
/// poll thread is a dedicated `Thread`: librdkafka's blocking calls never run on Swift's cooperative pool.
public final class KafkaConsumer: Sendable {
    private let handle: RDKafkaHandle
    private let callbacks: ConsumerCallbacks
    private let settings: KafkaConsumerSettings
    private let logger: Logger
    private let stopRequested = Atomic<Bool>(false)

    /// Creates the consumer (no network activity until `run()`).
    public init(settings: KafkaConsumerSettings, handler: any KafkaConsumerHandler, logger: Logger) throws(KafkaError) {
        self.settings = settings
        self.logger = logger
        let configuration = try RDKafkaConfiguration()
        try configuration.set(settings.librdkafkaProperties)
        callbacks = ConsumerCallbacks(handler: handler, settings: settings, logger: logger)
        handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, configuration: configuration, callbacks: callbacks)
        callbacks.client = handle.pointer
        callbacks.commitQueue = rd_kafka_queue_new(handle.pointer)
        // Serve rebalance, error and statistics callbacks from the consumer queue, i.e. from our poll thread.
        rd_kafka_poll_set_consumer(handle.pointer)
    }

    /// Subscribes and polls until `stop()` (or until the calling task is cancelled, which stops it the same way),
    /// then commits what is done and leaves the group (which revokes every partition through the handler). Throws
    /// when librdkafka raises a fatal error or the subscription fails.
    public func run() async throws(KafkaError) {
        try subscribe()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<KafkaError?, Never>) in
                let thread = Thread { [self] in continuation.resume(returning: pollUntilStopped()) }
                thread.name = "kafka-consumer"
                thread.start()
            }
        } onCancel: {
            stop()
        }
        if let result { throw result }
    }

    /// Asks `run()` to finish, within `stopBudget` from now. Safe from any thread; returns at once.
    public func stop() {
        callbacks.stopDeadline.withLock { deadline in
            if deadline == nil { deadline = ContinuousClock.now.advanced(by: Self.stopBudget(settings)) }
        }
        stopRequested.store(true, ordering: .relaxed)
    }

    /// Stops fetching `partitions` (back-pressure). The poll loop keeps running, so group membership stays alive.
    /// Records already fetched may still arrive. Safe from any thread.
    public func pause(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        TopicPartitionList.withList(partitions.map { ($0, nil) }) { list in
            _ = rd_kafka_pause_partitions(handle.pointer, list)
        }
    }

    /// Resumes fetching `partitions`. Safe from any thread.
    public func resume(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        TopicPartitionList.withList(partitions.map { ($0, nil) }) { list in
            _ = rd_kafka_resume_partitions(handle.pointer, list)
        }
    }

    /// The offsets this member last committed successfully, per owned partition (the next offset to consume).
    /// Safe from any thread.
    public var committedOffsets: [TopicPartition: Int64] { callbacks.committed.withLock { $0 } }

    /// The current assignment. Safe from any thread.
    public var assignment: PartitionAssignment { callbacks.assignment.withLock { $0 } }

    /// Makes librdkafka raise a fatal error, as when the cluster fences this member (`FENCED_INSTANCE_ID`), so tests
    /// can follow the fatal path: the mock cluster never fences. Internal: reachable only with `@testable import`.
    func raiseFatalErrorForTesting(reason: String) {
        _ = rd_kafka_test_fatal_error(handle.pointer, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID, reason)
    }

    // MARK: Poll thread

    private func subscribe() throws(KafkaError) {
        let topics = settings.topics.map { (TopicPartition(topic: $0, partition: -1), Int64?.none) }
        let result = TopicPartitionList.withList(topics) { rd_kafka_subscribe(handle.pointer, $0) }
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                code: .subscription, reason: "could not subscribe to \(settings.topics.joined(separator: ", "))",
                librdkafkaCode: Int(result.rawValue))
        }
        logger.info("kafka.subscribed", metadata: [LogKey.topic: .string(settings.topics.joined(separator: ","))])
    }

    private func pollUntilStopped() -> KafkaError? {
        let clock = ContinuousClock()
        var nextCommit = clock.now.advanced(by: settings.commitInterval)
        var failure: KafkaError?
        while !stopRequested.load(ordering: .relaxed) {
            pollBatch()
            if let fatal = callbacks.fatalError.withLock({ $0 }) {
                failure = fatal
                break
            }
            if clock.now >= nextCommit {
                commitDoneOffsets()
                nextCommit = clock.now.advanced(by: settings.commitInterval)
            }
        }
        if failure == nil {
            // Everything from here (the last commit, leaving the group, closing) ends by the stop deadline set in
            // `stop()`, even with the cluster unreachable: the relay's graceful shutdown reserves this much beyond
            // its drain.
            let stopDeadline = callbacks.stopDeadline.withLock { $0 } ?? clock.now.advanced(by: Self.stopBudget(settings))
            awaitFirstAssignmentIfSticky()
            commitDoneOffsets()
            leaveGroup(by: stopDeadline)
            close(by: stopDeadline)
        }
        logger.info("kafka.consumer.stopped")
        return failure
    }

    /// How long stopping may take after `stop()`: the rebalance drain deadline plus 8 s (for a commit under way, the
    /// last commit, the revoke's commit and the close, each cut short by the deadline; a close gets at least 1 s).
    public static func stopBudget(_ settings: KafkaConsumerSettings) -> Duration {
        settings.rebalanceDrainDeadline + .seconds(8)
    }

    /// `rd_kafka_consumer_close`, on a thread of its own, waited for until `deadline` (at least a second). A close
    /// still running then is left to finish or to the process's exit, with the client (never destroyed under it).
    private func close(by deadline: ContinuousClock.Instant) {
        let finished = DispatchSemaphore(value: 0)
        let result = Mutex(RD_KAFKA_RESP_ERR_NO_ERROR)
        let handle = handle
        let closer = Thread {
            let code = rd_kafka_consumer_close(handle.pointer)
            result.withLock { $0 = code }
            finished.signal()
        }
        closer.name = "kafka-close"
        closer.start()
        let wait = max(ContinuousClock.now.duration(to: deadline), .seconds(1))
        guard finished.wait(timeout: .now() + .nanoseconds(Int(KafkaConsumerSettings.milliseconds(wait)) * 1_000_000)) == .success else {
            logger.warning("kafka.close.timed_out")
            handle.leaveToProcessExit()
            return
        }
        let code = result.withLock { $0 }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("kafka.close.failed", metadata: [LogKey.code: .stringConvertible(code.rawValue)])
        }
        if let queue = callbacks.commitQueue {
            callbacks.commitQueue = nil
            rd_kafka_queue_destroy(queue)
        }
    }

    /// Leaves the group before `rd_kafka_consumer_close`: unsubscribes, then serves the consumer queue until the
    /// revoke has run (the handler drains and returns what is done, committed there) and nothing is assigned, or
    /// until the drain deadline and `revokeGrace` have passed.
    ///
    /// Closing straight away is what librdkafka documents, but in 2.0.2 a close that starts while a rebalance is
    /// in progress can abort the process (`rd_kafka_cgrp_terminated: assert: !rd_kafka_assignment_in_progress`) or
    /// hang in close: the group terminates on its own while the application's revoke (its commit and unassign) is
    /// still on the way (confluentinc/librdkafka#4792). After an unsubscribe the revoke runs while the group is
    /// still alive, and close has nothing left to revoke. Records fetched meanwhile are not handed over: they are
    /// not done, so the partition's next owner consumes them again.
    private func leaveGroup(by stopDeadline: ContinuousClock.Instant) {
        let result = rd_kafka_unsubscribe(handle.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            logger.warning("kafka.unsubscribe.failed", metadata: [LogKey.code: .stringConvertible(result.rawValue)])
            return
        }
        let deadline = min(ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline + Self.revokeGrace), stopDeadline)
        let (left, discarded) = serveQueue(until: deadline) {
            callbacks.assignment.withLock { $0.partitions.isEmpty } && librdkafkaAssignmentIsEmpty()
        }
        logger.log(
            level: left ? .info : .warning, left ? "kafka.unsubscribed" : "kafka.unsubscribe.incomplete",
            metadata: [LogKey.count: .stringConvertible(discarded)])
    }

    /// With the cooperative-sticky assignor, waits (up to the drain deadline) for the group's first assignment if
    /// none came yet: librdkafka 2.0.2 aborts when it destroys a member that joined but was never assigned
    /// (`rd_kafka_sticky_assignor_state_destroy: Assertion 'assignor_state'`, fixed upstream in 2.2.0). If none
    /// comes, the member still leaves and closes, but its client is left to the process's exit rather than destroyed.
    private func awaitFirstAssignmentIfSticky() {
        let strategy = settings.librdkafkaProperties.last { $0.name == "partition.assignment.strategy" }?.value ?? ""
        guard strategy.contains("cooperative-sticky"), !callbacks.hasBeenAssigned else { return }
        let deadline = callbacks.cappedByStop(ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline))
        guard !serveQueue(until: deadline, { callbacks.hasBeenAssigned }).done else { return }
        logger.warning("kafka.close.never_assigned")
        handle.leaveToProcessExit()
    }

    /// Serves the consumer queue, so rebalance callbacks run, until `condition` holds or `deadline` passes.
    /// Records fetched meanwhile are dropped, not handed over: they are not done, so they are consumed again.
    private func serveQueue(
        until deadline: ContinuousClock.Instant, _ condition: () -> Bool
    ) -> (done: Bool, discarded: Int) {
        var discarded = 0
        while !condition() {
            guard ContinuousClock.now < deadline else { return (false, discarded) }
            guard let message = rd_kafka_consumer_poll(handle.pointer, 50) else { continue }
            if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { discarded += 1 }
            rd_kafka_message_destroy(message)
        }
        return (true, discarded)
    }

    /// How long leaving waits for the revoke beyond the drain deadline it may spend in the handler.
    private static let revokeGrace = Duration.seconds(5)

    private func librdkafkaAssignmentIsEmpty() -> Bool {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle.pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return false }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return list.pointee.cnt == 0
    }

    /// Polls up to `maximumBatch` records (waiting up to 100 ms for the first) and hands them over.
    private func pollBatch() {
        var timeout: Int32 = 100
        while callbacks.pending.count < settings.maximumBatch, let message = rd_kafka_consumer_poll(handle.pointer, timeout) {
            timeout = 0
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                callbacks.messageError(message)
                continue
            }
            callbacks.pending.append(RDKafkaMessage.record(from: message, topicNames: &callbacks.topicNames))
        }
        callbacks.flushPending(excluding: [])
    }

    private func commitDoneOffsets() {
        let offsets = callbacks.handler.nextOffsetsToCommit()
        callbacks.commit(offsets, to: handle.pointer)
    }
}

/// The engine's `PartitionControl` port: `pause` and `resume` above.
extension KafkaConsumer: PartitionControl {}
