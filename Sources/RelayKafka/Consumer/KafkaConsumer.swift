import Foundation
import Logging
import RelayCore
import Synchronization

/// A Kafka consumer-group member: subscribes, polls on its own thread, tells `ConsumerEvents` (records, rebalances,
/// statistics, errors), follows rebalances (eager or cooperative), pauses and resumes partitions for back-pressure
/// (`PartitionControl`), and commits only the offsets it is handed (`OffsetCommitter`): at each commit interval it
/// asks for them (`commitDue`), and a revoke hands over its partitions' final offsets before they are given up.
///
/// Life: `run()` is the whole life (subscribe, poll until `stop()`, final commit, unsubscribe and revoke, close),
/// stepped by `ConsumerStateMachine`; every librdkafka call goes through `RDKafkaConsumerClient`. The poll thread is
/// a dedicated `Thread`: librdkafka's blocking calls never run on Swift's cooperative pool.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaConsumerClient
    private let callbacks: ConsumerCallbacks
    private let settings: KafkaConsumerSettings
    private let logger: Logger

    /// Creates the consumer (no network activity until `run()`).
    public init(settings: KafkaConsumerSettings, handler: any ConsumerEvents, logger: Logger) throws(KafkaError) {
        self.settings = settings
        self.logger = logger
        callbacks = ConsumerCallbacks(handler: handler, settings: settings, logger: logger)
        client = try RDKafkaConsumerClient(properties: settings.librdkafkaProperties, callbacks: callbacks)
        callbacks.client = client
    }

    /// Subscribes and polls until `stop()` (or until the calling task is cancelled, which stops it the same way),
    /// then commits what is done and leaves the group (which revokes every partition through the handler). Throws
    /// when librdkafka raises a fatal error or the subscription fails.
    public func run() async throws(KafkaError) {
        try client.subscribe(settings.topics)
        logger.info("kafka.subscribed", metadata: [LogKey.topic: .string(settings.topics.joined(separator: ","))])
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
        _ = callbacks.state.withLock { $0.stop(now: ContinuousClock.now) }
    }

    /// Changes the subscription to `topics` (names and `^` patterns): the group rebalances, and partitions of
    /// topics no longer subscribed are revoked through the handler (drained and committed like any revoke), on the
    /// poll thread. Safe from any thread (librdkafka hands the change to its own thread and waits for it).
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        try client.subscribe(topics)
        let subscription = topics.map(TopicSelector.init)
        callbacks.state.withLock { $0.subscription = subscription }
        logger.info("kafka.subscribed", metadata: [LogKey.topic: .string(topics.joined(separator: ","))])
    }

    /// Stops fetching `partitions` (back-pressure). The poll loop keeps running, so group membership stays alive.
    /// Records already fetched may still arrive. Safe from any thread.
    public func pause(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        client.pause(partitions)
    }

    /// Resumes fetching `partitions`. Safe from any thread.
    public func resume(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        client.resume(partitions)
    }

    /// The offsets this member last committed successfully, per owned partition (the next offset to consume).
    /// Safe from any thread.
    public var committedOffsets: [TopicPartition: Int64] { callbacks.state.withLock { $0.committed } }

    /// The fatal error that ended `run()`, if any. Safe from any thread.
    public var fatalError: KafkaError? { callbacks.state.withLock { $0.fatalError } }

    /// The current assignment. Safe from any thread.
    public var assignment: PartitionAssignment { callbacks.state.withLock { $0.assignment } }

    /// Makes librdkafka raise a fatal error, as when the cluster fences this member (`FENCED_INSTANCE_ID`), so tests
    /// can follow the fatal path: the mock cluster never fences. Internal: reachable only with `@testable import`.
    func raiseFatalErrorForTesting(reason: String) {
        client.raiseFatalError(reason: reason)
    }

    /// How long stopping may take after `stop()`: the rebalance drain deadline plus 8 s (for a commit under way, the
    /// last commit, the revoke's commit and the close, each cut short by the deadline; a close gets at least 1 s).
    public static func stopBudget(_ settings: KafkaConsumerSettings) -> Duration {
        settings.rebalanceDrainDeadline + .seconds(8)
    }

    // MARK: Poll thread

    private func pollUntilStopped() -> KafkaError? {
        loop: while true {
            switch callbacks.state.withLock({ $0.nextStep(now: ContinuousClock.now) }) {
            case .poll:
                pollBatch()
            case .commitThenPoll:
                commitDoneOffsets()
                pollBatch()
            case .leave:
                break loop
            case .fail:
                // No commit and no close: librdkafka 2.0.2 can neither close nor destroy a fatally failed group
                // (`RDKafkaHandle`); the process exits next.
                logger.info("kafka.consumer.stopped")
                return callbacks.state.withLock { $0.fatalError }
            }
        }
        // Everything from here (the last commit, leaving the group, closing) ends by the stop deadline, even with
        // the cluster unreachable: the relay's graceful shutdown reserves this much beyond its drain.
        let stopDeadline = callbacks.state.withLock { $0.stop(now: ContinuousClock.now) }
        awaitFirstAssignmentIfSticky()
        commitDoneOffsets()
        leaveGroup(by: stopDeadline)
        close(by: stopDeadline)
        logger.info("kafka.consumer.stopped")
        return nil
    }

    /// `RDKafkaConsumerClient.close`, on a thread of its own, waited for until `deadline` (at least a second). A
    /// close still running then is left to finish or to the process's exit, with the client (never destroyed under
    /// it).
    private func close(by deadline: ContinuousClock.Instant) {
        let finished = DispatchSemaphore(value: 0)
        let result = Mutex<Int32>(0)
        let client = client
        let closer = Thread {
            let code = client.close()
            result.withLock { $0 = code }
            finished.signal()
        }
        closer.name = "kafka-close"
        closer.start()
        let wait = max(ContinuousClock.now.duration(to: deadline), .seconds(1))
        guard
            finished.wait(timeout: .now() + .nanoseconds(Int(KafkaConsumerSettings.milliseconds(wait)) * 1_000_000))
                == .success
        else {
            logger.warning("kafka.close.timed_out")
            client.leaveToProcessExit()
            return
        }
        let code = result.withLock { $0 }
        if code != 0 {
            logger.warning("kafka.close.failed", metadata: [LogKey.code: .stringConvertible(code)])
        }
        client.destroyCommitQueue()
    }

    /// Leaves the group before closing: unsubscribes, then serves the consumer queue until the revoke has run (the
    /// handler drains and hands over what is done, committed there) and nothing is assigned, or until the drain
    /// deadline and `revokeGrace` have passed.
    ///
    /// Closing straight away is what librdkafka documents, but in 2.0.2 a close that starts while a rebalance is
    /// in progress can abort the process (`rd_kafka_cgrp_terminated: assert: !rd_kafka_assignment_in_progress`) or
    /// hang in close: the group terminates on its own while the application's revoke (its commit and unassign) is
    /// still on the way (confluentinc/librdkafka#4792). After an unsubscribe the revoke runs while the group is
    /// still alive, and close has nothing left to revoke. Records fetched meanwhile are not handed over: they are
    /// not done, so the partition's next owner consumes them again.
    private func leaveGroup(by stopDeadline: ContinuousClock.Instant) {
        let result = client.unsubscribe()
        guard result == 0 else {
            logger.warning("kafka.unsubscribe.failed", metadata: [LogKey.code: .stringConvertible(result)])
            return
        }
        let deadline = min(
            ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline + Self.revokeGrace), stopDeadline)
        let (left, discarded) = serveQueue(until: deadline) {
            callbacks.state.withLock { $0.assignment.partitions.isEmpty } && client.assignmentIsEmpty
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
        let assigned = { self.callbacks.state.withLock { $0.hasBeenAssigned } }
        guard strategy.contains("cooperative-sticky"), !assigned() else { return }
        let deadline = callbacks.state.withLock {
            $0.cappedByStop(ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline))
        }
        guard !serveQueue(until: deadline, assigned).done else { return }
        logger.warning("kafka.close.never_assigned")
        client.leaveToProcessExit()
    }

    /// Serves the consumer queue, so rebalance callbacks run, until `condition` holds or `deadline` passes.
    /// Records fetched meanwhile are dropped, not handed over: they are not done, so they are consumed again.
    private func serveQueue(
        until deadline: ContinuousClock.Instant, _ condition: () -> Bool
    ) -> (done: Bool, discarded: Int) {
        var discarded = 0
        while !condition() {
            guard ContinuousClock.now < deadline else { return (false, discarded) }
            if client.pollDiscarding(milliseconds: 50) { discarded += 1 }
        }
        return (true, discarded)
    }

    /// How long leaving waits for the revoke beyond the drain deadline it may spend in the handler.
    private static let revokeGrace = Duration.seconds(5)

    /// Polls up to `maximumBatch` records (waiting up to 100 ms for the first) and hands them over.
    private func pollBatch() {
        var timeout: Int32 = 100
        while callbacks.pending.count < settings.maximumBatch, let polled = client.poll(milliseconds: timeout) {
            timeout = 0
            switch polled {
            case .record(let record): callbacks.pending.append(record)
            case .error(let code, let reason, let isFatal):
                callbacks.messageError(code: code, reason: reason, isFatal: isFatal)
            }
        }
        callbacks.flushPending(excluding: [])
    }

    /// Asks for what is done (handed over through `commit(_:)` before `commitDue` returns) and commits it.
    private func commitDoneOffsets() {
        callbacks.handler.commitDue()
        callbacks.commit()
    }
}

/// The engine's `PartitionControl` port: `pause` and `resume` above.
extension KafkaConsumer: PartitionControl {}

/// The engine's `OffsetCommitter` port.
extension KafkaConsumer: OffsetCommitter {
    /// Takes `offsets` to commit: the poll thread commits the latest for each partition this member still owns, at
    /// the commit interval or at its revoke. Safe from any thread; returns at once.
    public func commit(_ offsets: [TopicPartition: Int64]) {
        guard !offsets.isEmpty else { return }
        callbacks.state.withLock { $0.handOver(offsets) }
    }
}
