import CLibRDKafka
import Foundation
import Logging
import RelayCore
import Synchronization

/// The consumer's C callbacks and the state they share with the poll loop.
///
/// Threads: rebalance, statistics and error callbacks are served from `rd_kafka_consumer_poll`, i.e. on the poll
/// thread, as are `pending` and `flushPending`; `assignment`, `committed` and `fatalError` are read from other
/// threads and so are behind locks.
final class ConsumerCallbacks: RDKafkaCallbacks, @unchecked Sendable {
    let handler: any KafkaConsumerHandler
    let settings: KafkaConsumerSettings
    /// The client, set right after creation (before any callback can run).
    nonisolated(unsafe) var client: OpaquePointer?
    /// Topic names by librdkafka topic handle (poll thread only).
    nonisolated(unsafe) var topicNames: [OpaquePointer: String] = [:]
    /// Records polled but not yet handed over (poll thread only).
    nonisolated(unsafe) var pending: [SourceRecord] = []
    /// The last offset committed per partition, so unchanged offsets are not committed again. Written on the poll
    /// thread, read by metrics.
    let committed = Mutex<[TopicPartition: Int64]>([:])
    let assignment = Mutex(PartitionAssignment())
    let fatalError = Mutex<KafkaError?>(nil)
    /// Whether the group has handed this member an assignment yet (possibly empty, as the cooperative protocol
    /// does): until then a member that has joined has no assignor state. Poll thread only.
    nonisolated(unsafe) var hasBeenAssigned = false

    init(handler: any KafkaConsumerHandler, settings: KafkaConsumerSettings, logger: Logger) {
        self.handler = handler
        self.settings = settings
        super.init(logger: logger)
    }

    override func install(on conf: OpaquePointer) {
        super.install(on: conf)
        rd_kafka_conf_set_rebalance_cb(conf) { client, code, partitions, _ in
            (RDKafkaHandle.callbacks(of: client) as? ConsumerCallbacks)?.rebalance(code: code, partitions: partitions)
        }
        rd_kafka_conf_set_stats_cb(conf) { client, json, length, _ in
            guard let json, let callbacks = RDKafkaHandle.callbacks(of: client) as? ConsumerCallbacks else { return 0 }
            let bytes = Array(UnsafeRawBufferPointer(start: json, count: length))
            if let statistics = KafkaStatistics.parse(bytes) { callbacks.handler.statisticsUpdated(statistics) }
            return 0  // librdkafka frees the JSON
        }
    }

    override func error(code: Int32, reason: String) {
        let isFatal = code == RD_KAFKA_RESP_ERR__FATAL.rawValue
        var error = KafkaError(code: isFatal ? .fatal : .transient, reason: reason, librdkafkaCode: Int(code))
        if isFatal, let client {
            // librdkafka reports a consumer's fatal error both to this callback and as a consumer error message:
            // the first report ends the poll loop, the second adds nothing.
            guard fatalError.withLock({ $0 == nil }) else { return }
            var errorText = ErrorText()
            let fatalCode = rd_kafka_fatal_error(client, &errorText.buffer, errorText.size)
            error = KafkaError(code: .fatal, reason: errorText.text, librdkafkaCode: Int(fatalCode.rawValue))
            logger.critical("kafka.fatal", metadata: [LogKey.error: .string(error.description)])
            fatalError.withLock { $0 = error }
        } else {
            logger.warning("kafka.error", metadata: [LogKey.code: .stringConvertible(code), LogKey.message: .string(reason)])
        }
        handler.kafkaError(error, isFatal: isFatal)
    }

    /// A message carrying an error instead of a record (e.g. an unknown topic).
    func messageError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let code = message.pointee.err
        let reason = String(cString: rd_kafka_err2str(code))
        if code == RD_KAFKA_RESP_ERR__FATAL {
            error(code: code.rawValue, reason: reason)
            return
        }
        logger.warning("kafka.consume.error", metadata: [LogKey.code: .stringConvertible(code.rawValue), LogKey.message: .string(reason)])
        handler.kafkaError(KafkaError(code: .transient, reason: reason, librdkafkaCode: Int(code.rawValue)), isFatal: false)
    }

    /// Hands pending records to the handler, dropping those of `revoked` partitions (not done, so the next owner
    /// consumes them again).
    func flushPending(excluding revoked: Set<TopicPartition>) {
        guard !pending.isEmpty else { return }
        let records = revoked.isEmpty ? pending : pending.filter { !revoked.contains($0.topicPartition) }
        pending.removeAll(keepingCapacity: true)
        if !records.isEmpty { handler.handle(records: records) }
    }

    /// Where commit results arrive (`rd_kafka_commit_queue` events), created with the client. Poll thread only.
    nonisolated(unsafe) var commitQueue: OpaquePointer?
    /// The token of the last commit sent: a result with another token is a late answer to a commit that timed out.
    nonisolated(unsafe) private var commitToken = 0
    /// Set when the consumer is asked to stop (from any thread): no commit (nor revoke) waits past it, including a
    /// commit already waiting then.
    let stopDeadline = Mutex<ContinuousClock.Instant?>(nil)

    /// `deadline`, or the stop deadline if that comes first.
    func cappedByStop(_ deadline: ContinuousClock.Instant) -> ContinuousClock.Instant {
        stopDeadline.withLock { $0 }.map { min($0, deadline) } ?? deadline
    }

    /// Longest a commit waits for its answer. librdkafka alone keeps a commit to an unreachable coordinator queued
    /// until the session times out (45 s by default) and the poll thread with it; a commit that times out is
    /// reported and sent again next time (what is committed only ever moves forward, so a late success is harmless).
    static let commitTimeout = Duration.seconds(5)

    /// Commits `offsets` (next offsets to consume) that changed since the last commit, and waits for the answer up
    /// to `commitTimeout` (or the stop deadline). Offsets are recorded as committed only when the broker says so.
    func commit(_ offsets: [TopicPartition: Int64], to client: OpaquePointer) {
        let last = committed.withLock { $0 }
        let changed = offsets.filter { last[$0.key] != $0.value }.sorted { $0.key.description < $1.key.description }
        guard !changed.isEmpty, let commitQueue else { return }
        commitToken += 1
        let token = commitToken
        let sent = TopicPartitionList.withList(changed.map { ($0.key, $0.value) }) { list in
            rd_kafka_commit_queue(client, list, commitQueue, nil, UnsafeMutableRawPointer(bitPattern: token))
        }
        guard sent == RD_KAFKA_RESP_ERR_NO_ERROR else { return commitFailed(code: sent.rawValue, count: changed.count) }
        let clock = ContinuousClock()
        let timeout = clock.now.advanced(by: Self.commitTimeout)
        while true {
            let deadline = cappedByStop(timeout)
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else {
                // Not fatal and nothing lost: the offsets stay uncommitted, are sent again next time, and a member
                // that takes the partitions over (or this one after a restart) consumes from the last committed point.
                logger.warning("kafka.commit.timed_out", metadata: [
                    LogKey.count: .stringConvertible(changed.count), "kafka.timeout": .string("\(Self.commitTimeout)"),
                ])
                handler.kafkaError(KafkaError(code: .commit, reason: "offset commit not answered in time", librdkafkaCode: nil), isFatal: false)
                return
            }
            let waitMilliseconds = Int32(clamping: min(KafkaConsumerSettings.milliseconds(remaining) + 1, 100))
            guard let event = rd_kafka_queue_poll(commitQueue, waitMilliseconds) else { continue }
            defer { rd_kafka_event_destroy(event) }
            guard rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT,
                Int(bitPattern: rd_kafka_event_opaque(event)) == token
            else { continue }  // a late answer to a commit that timed out
            let code = rd_kafka_event_error(event)
            let errors = rd_kafka_event_topic_partition_list(event).map { TopicPartitionList.errors(of: $0) } ?? []
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, errors.isEmpty else {
                return commitFailed(code: code == RD_KAFKA_RESP_ERR_NO_ERROR ? errors[0].1 : code.rawValue, count: changed.count)
            }
            committed.withLock { committed in
                for (partition, offset) in changed { committed[partition] = offset }
            }
            logger.debug("kafka.committed", metadata: [LogKey.partitions: .string(changed.map { "\($0.key)@\($0.value)" }.joined(separator: ","))])
            return
        }
    }

    private func commitFailed(code: Int32, count: Int) {
        // Not fatal: the same offsets are committed again next time; consumption resumes at most from the last
        // committed point, so a failed commit only means duplicates after a crash, never a gap.
        logger.warning("kafka.commit.failed", metadata: [LogKey.code: .stringConvertible(code), LogKey.count: .stringConvertible(count)])
        handler.kafkaError(KafkaError(code: .commit, reason: "offset commit failed", librdkafkaCode: Int(code)), isFatal: false)
    }

    // MARK: Rebalance

    private func rebalance(code: rd_kafka_resp_err_t, partitions list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        guard let client else { return }
        let partitions = TopicPartitionList.partitions(of: list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            hasBeenAssigned = true
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) { logAndDestroy(error, "kafka.assign.failed") }
            } else {
                _ = rd_kafka_assign(client, list)
            }
            let updated = assignment.withLock { current in
                if !cooperative { current.partitions = [] }
                current.partitions.formUnion(partitions)
                current.partitionCounts = partitionCounts(client: client, topics: current.topics, known: current.partitionCounts)
                return current
            }
            logger.info("kafka.partitions.assigned", metadata: [LogKey.partitions: .string(partitions.map(\.description).joined(separator: ",")), LogKey.protocolName: .string(cooperative ? "cooperative" : "eager")])
            handler.partitionsAssigned(partitions, assignment: updated)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(client) != 0
            let revoked = Set(partitions)
            flushPending(excluding: revoked)
            let remaining = assignment.withLock { current in
                current.partitions.subtract(revoked)
                return current
            }
            let deadline = cappedByStop(ContinuousClock.now.advanced(by: settings.rebalanceDrainDeadline))
            let done = handler.partitionsRevoking(partitions, lost: lost, deadline: deadline, remaining: remaining)
            if !lost { commit(done.filter { revoked.contains($0.key) }, to: client) }
            committed.withLock { committed in
                for partition in revoked { committed[partition] = nil }
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(client, list) { logAndDestroy(error, "kafka.unassign.failed") }
            } else {
                _ = rd_kafka_assign(client, nil)
            }
            logger.info("kafka.partitions.revoked", metadata: [LogKey.partitions: .string(partitions.map(\.description).joined(separator: ",")), "kafka.lost": .stringConvertible(lost)])
        default:
            logger.error("kafka.rebalance.error", metadata: [LogKey.code: .stringConvertible(code.rawValue)])
            _ = rd_kafka_assign(client, nil)
            assignment.withLock { $0.partitions = [] }
        }
    }

    private func logAndDestroy(_ error: OpaquePointer, _ message: Logger.Message) {
        logger.error(message, metadata: [LogKey.message: .string(String(cString: rd_kafka_error_string(error)))])
        rd_kafka_error_destroy(error)
    }

    /// Each topic's partition count from the cluster's metadata (blocking, poll thread, at most 5 s); on failure the
    /// counts already known are kept.
    private func partitionCounts(client: OpaquePointer, topics: Set<String>, known: [String: Int]) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        guard rd_kafka_metadata(client, 1, nil, &metadata, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            logger.warning("kafka.metadata.failed")
            return known
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var counts = known
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            let name = String(cString: topic.topic)
            if topics.contains(name), topic.partition_cnt > 0 { counts[name] = Int(topic.partition_cnt) }
        }
        return counts
    }
}
