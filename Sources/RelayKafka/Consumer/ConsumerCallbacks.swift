import Foundation
import Logging
import RelayCore
import Synchronization

/// The consumer's callbacks and the state they share with the poll loop, with no C in sight: librdkafka is reached
/// through `RDKafkaConsumerClient`, the consumer's life is the `ConsumerStateMachine` under `state`.
///
/// Threads: rebalance, statistics and error callbacks are served from the client's poll, i.e. on the poll thread,
/// as are `pending`, `flushPending` and `commit`; `state` is also used from other threads (`stop`, the offsets
/// handed over by `KafkaConsumer.commit(_:)`, `assignment`, `committedOffsets`), so it is behind a lock, taken for
/// the state machine's own work only.
final class ConsumerCallbacks: RDKafkaConsumerCallbacks, @unchecked Sendable {
    let handler: any ConsumerEvents
    let settings: KafkaConsumerSettings
    let state: Mutex<ConsumerStateMachine>
    /// The client, set right after creation (before any callback can run); weak, since the client owns the handle
    /// that keeps these callbacks alive.
    nonisolated(unsafe) weak var client: RDKafkaConsumerClient?
    /// Records polled but not yet handed over (poll thread only).
    nonisolated(unsafe) var pending: [SourceRecord] = []

    init(handler: any ConsumerEvents, settings: KafkaConsumerSettings, logger: Logger) {
        self.handler = handler
        self.settings = settings
        state = Mutex(
            ConsumerStateMachine(
                commitInterval: settings.commitInterval, stopBudget: KafkaConsumer.stopBudget(settings),
                now: ContinuousClock.now))
        let subscription = settings.topics.map(TopicSelector.init)
        state.withLock { $0.subscription = subscription }
        super.init(logger: logger)
    }

    override func statistics(_ json: [UInt8]) {
        if let statistics = ConsumerStatistics.parse(json) { handler.statisticsUpdated(statistics) }
    }

    override func error(code: Int32, reason: String) {
        guard code == RDKafkaConsumerClient.fatalErrorCode, let client else {
            logger.warning(
                "kafka.error", metadata: [LogKey.code: .stringConvertible(code), LogKey.message: .string(reason)])
            handler.consumerFailed(reason: reason, isFatal: false)
            return
        }
        // librdkafka reports a consumer's fatal error both here and as a consumer error message: the first report
        // ends the poll loop, the second adds nothing.
        let error = client.fatalError() ?? KafkaError(code: .fatal, reason: reason, librdkafkaCode: Int(code))
        guard state.withLock({ $0.fatal(error) }) else { return }
        logger.critical("kafka.fatal", metadata: [LogKey.error: .string(error.description)])
        handler.consumerFailed(reason: error.reason, isFatal: true)
    }

    /// A message carrying an error instead of a record (e.g. an unknown topic).
    func messageError(code: Int32, reason: String, isFatal: Bool) {
        if isFatal { return error(code: code, reason: reason) }
        logger.warning(
            "kafka.consume.error", metadata: [LogKey.code: .stringConvertible(code), LogKey.message: .string(reason)])
        handler.consumerFailed(reason: reason, isFatal: false)
    }

    /// Hands pending records to the handler, dropping those of `revoked` partitions (not done, so the next owner
    /// consumes them again).
    func flushPending(excluding revoked: Set<TopicPartition>) {
        guard !pending.isEmpty else { return }
        let records = revoked.isEmpty ? pending : pending.filter { !revoked.contains($0.topicPartition) }
        pending.removeAll(keepingCapacity: true)
        if !records.isEmpty { handler.handle(records: records) }
    }

    /// Longest a commit waits for its answer. librdkafka alone keeps a commit to an unreachable coordinator queued
    /// until the session times out (45 s by default) and the poll thread with it; a commit that times out is
    /// reported and sent again next time (what is committed only ever moves forward, so a late success is harmless).
    static let commitTimeout = Duration.seconds(5)
    /// How long an assignment waits for the group's committed offsets, only to log where fresh partitions start.
    static let committedLookupTimeout: Int32 = 2000

    /// Commits the offsets handed over (`KafkaConsumer.commit(_:)`, of `partitions` only when given) that changed
    /// since the last commit, and waits for the answer up to `commitTimeout` (or the stop deadline). Offsets are
    /// recorded as committed only when the broker says so.
    func commit(only partitions: Set<TopicPartition>? = nil) {
        guard let client, let (token, changed) = state.withLock({ $0.commit(only: partitions) }) else { return }
        let sent = client.sendCommit(changed, token: token)
        guard sent == 0 else { return commitFailed(code: sent, count: changed.count) }
        let clock = ContinuousClock()
        let timeout = clock.now.advanced(by: Self.commitTimeout)
        while true {
            let remaining = clock.now.duration(to: state.withLock { $0.cappedByStop(timeout) })
            guard remaining > .zero else {
                // Not fatal and nothing lost: the offsets stay uncommitted, are sent again next time, and a member
                // that takes the partitions over (or this one after a restart) consumes from the last committed point.
                logger.warning(
                    "kafka.commit.timed_out",
                    metadata: [
                        LogKey.count: .stringConvertible(changed.count),
                        LogKey.timeout: .string("\(Self.commitTimeout)"),
                    ])
                handler.consumerFailed(reason: "offset commit not answered in time", isFatal: false)
                return
            }
            let wait = Int32(clamping: min(KafkaConsumerSettings.milliseconds(remaining) + 1, 100))
            guard let answer = client.nextCommitAnswer(milliseconds: wait),
                state.withLock({ $0.isCurrent(token: answer.token) })
            else { continue }  // nothing yet, or a late answer to a commit that timed out
            if let code = answer.errorCode { return commitFailed(code: code, count: changed.count) }
            state.withLock { $0.committed(changed) }
            logger.debug(
                "kafka.committed",
                metadata: [LogKey.partitions: .string(changed.map { "\($0.0)@\($0.1)" }.joined(separator: ","))])
            return
        }
    }

    private func commitFailed(code: Int32, count: Int) {
        // Not fatal: the same offsets are committed again next time; consumption resumes at most from the last
        // committed point, so a failed commit only means duplicates after a crash, never a gap.
        logger.warning(
            "kafka.commit.failed",
            metadata: [LogKey.code: .stringConvertible(code), LogKey.count: .stringConvertible(count)])
        handler.consumerFailed(reason: "offset commit failed (librdkafka error \(code))", isFatal: false)
    }

    // MARK: Rebalance

    override func rebalance(_ rebalance: Rebalance) {
        guard let client else { return }
        let cooperative = client.isCooperative
        switch rebalance.kind {
        case .assign:
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            if let timestamp = settings.startFrom.lookupTimestamp(nowMilliseconds: now) {
                resolveStartTime(timestamp, for: rebalance, client: client)
            }
            if let error = client.assign(rebalance) {
                logger.error("kafka.assign.failed", metadata: [LogKey.message: .string(error)])
            }
            var updated = state.withLock { $0.assigned(rebalance.partitions, eager: !cooperative) }
            // Every subscribed topic's count, owned or not: a stream fed by several topics shares its budget over
            // all their partitions (RelayCore's `GroupBudget`).
            let subscription = state.withLock { $0.subscription }
            let owned = updated.topics
            if let counts = client.partitionCounts(where: { name in
                owned.contains(name) || subscription.contains { $0.matches(name) }
            }) {
                updated = state.withLock { $0.learnPartitionCounts(counts) }
            } else {
                logger.warning("kafka.metadata.failed")
            }
            logger.info(
                "kafka.partitions.assigned",
                metadata: [
                    LogKey.partitions: .string(rebalance.partitions.map(\.description).joined(separator: ",")),
                    LogKey.protocolName: .string(cooperative ? "cooperative" : "eager"),
                ])
            handler.partitionsAssigned(rebalance.partitions, assignment: updated)
            reportStartPositions(of: rebalance.partitions, client: client)
        case .revoke:
            let lost = client.assignmentLost
            let revoked = Set(rebalance.partitions)
            flushPending(excluding: revoked)
            let remaining = state.withLock { $0.revoking(revoked) }
            let deadline = state.withLock {
                $0.cappedByStop(ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline))
            }
            // The handler hands the partitions' final offsets over before it returns.
            handler.partitionsRevoking(rebalance.partitions, lost: lost, deadline: deadline, remaining: remaining)
            if !lost { commit(only: revoked) }
            state.withLock { $0.revoked(revoked) }
            if let error = client.unassign(rebalance) {
                logger.error("kafka.unassign.failed", metadata: [LogKey.message: .string(error)])
            }
            logger.info(
                "kafka.partitions.revoked",
                metadata: [
                    LogKey.partitions: .string(rebalance.partitions.map(\.description).joined(separator: ",")),
                    LogKey.lost: .stringConvertible(lost),
                ])
        case .error(let code):
            logger.error("kafka.rebalance.error", metadata: [LogKey.code: .stringConvertible(code)])
            client.unassignAll()
            state.withLock { $0.rebalanceFailed() }
        }
    }

    /// `kafka.startFrom` as a time (or a duration back): the assigned partitions with no committed offset start at
    /// their first record at or after `timestamp`, or at their end when none is that recent. A partition whose
    /// lookup fails is left to `auto.offset.reset` (`earliest`: nothing skipped) and logged; one whose committed
    /// offset is unknown is left to librdkafka, which fetches it again.
    private func resolveStartTime(_ timestamp: Int64, for rebalance: Rebalance, client: RDKafkaConsumerClient) {
        let partitions = rebalance.partitions
        guard !partitions.isEmpty else { return }
        let committed = client.committedOffsets(of: partitions, milliseconds: Self.committedLookupTimeout) ?? [:]
        let fresh = partitions.filter { (committed[$0] ?? 0) < 0 }
        guard !fresh.isEmpty else { return }
        let found = client.offsets(of: fresh, atOrAfter: timestamp, milliseconds: Self.committedLookupTimeout) ?? [:]
        client.setStartOffsets(found, in: rebalance)
        let resolved = fresh.filter { found[$0] != nil }
        let unresolved = fresh.filter { found[$0] == nil }
        if !resolved.isEmpty {
            logger.info(
                "kafka.start_from.resolved",
                metadata: [
                    LogKey.partitions: .string(
                        resolved.compactMap { partition in
                            found[partition].map { "\(partition)@\($0 < 0 ? "end" : String($0))" }
                        }.joined(separator: ",")),
                    LogKey.startFrom: .string(settings.startFrom.description),
                ])
        }
        if !unresolved.isEmpty {
            logger.warning(
                "kafka.start_from.unresolved",
                metadata: [
                    LogKey.partitions: .string(unresolved.map(\.description).joined(separator: ",")),
                    LogKey.startFrom: .string(settings.startFrom.description),
                ])
        }
    }

    /// Logs the assigned partitions that have no committed offset in the group, and so start from
    /// `settings.startFrom` (a new group, a partition added to a topic): an operator can tell why a partition began
    /// at its oldest or its newest record. Runs after the assignment is applied, so fetching has begun while the
    /// lookup waits (a few milliseconds normally, `committedLookupTimeout` at most); partitions whose committed
    /// offset the broker did not give are logged as unknown, never as fresh.
    private func reportStartPositions(of partitions: [TopicPartition], client: RDKafkaConsumerClient) {
        let committed = client.committedOffsets(of: partitions, milliseconds: Self.committedLookupTimeout) ?? [:]
        let fresh = partitions.filter { (committed[$0] ?? 0) < 0 }
        let unknown = partitions.filter { committed[$0] == nil }
        for (level, event, listed) in [
            (Logger.Level.info, "kafka.partitions.no_committed_offset", fresh),
            (.warning, "kafka.committed.unknown", unknown),
        ] where !listed.isEmpty {
            logger.log(
                level: level, "\(event)",
                metadata: [
                    LogKey.partitions: .string(listed.map(\.description).joined(separator: ",")),
                    LogKey.startFrom: .string(settings.startFrom.description),
                ])
        }
    }
}
