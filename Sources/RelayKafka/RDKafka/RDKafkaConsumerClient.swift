import CLibRDKafka
import Foundation
import RelayCore

/// What one poll of the consumer queue returned.
enum PolledMessage {
    /// A consumed record.
    case record(SourceRecord)
    /// An error instead of a record (an unknown topic, a broker down; `isFatal` for `__FATAL`).
    case error(code: Int32, reason: String, isFatal: Bool)
}

/// A rebalance as librdkafka hands it to the consumer's callback. `list` is librdkafka's, valid only during the
/// callback: pass the value back to `RDKafkaConsumerClient.assign` or `unassign` from inside it.
struct Rebalance {
    /// What the group asks of this member.
    enum Kind {
        case assign
        case revoke
        /// Any other rebalance code: the assignment is dropped.
        case error(code: Int32)
    }

    let kind: Kind
    let partitions: [TopicPartition]
    fileprivate let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
}

/// The consumer's C callbacks, as Swift: rebalances and statistics. Both run on the poll thread (inside
/// `rd_kafka_consumer_poll`), because the client serves them from the consumer queue.
class RDKafkaConsumerCallbacks: RDKafkaCallbacks, @unchecked Sendable {
    override func install(on conf: OpaquePointer) {
        super.install(on: conf)
        rd_kafka_conf_set_rebalance_cb(conf) { client, code, list, _ in
            guard let callbacks = RDKafkaHandle.callbacks(of: client) as? RDKafkaConsumerCallbacks else { return }
            let kind: Rebalance.Kind =
                switch code {
                case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: .assign
                case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: .revoke
                default: .error(code: code.rawValue)
                }
            callbacks.rebalance(Rebalance(kind: kind, partitions: TopicPartitionList.partitions(of: list), list: list))
        }
        rd_kafka_conf_set_stats_cb(conf) { client, json, length, _ in
            guard let json, let callbacks = RDKafkaHandle.callbacks(of: client) as? RDKafkaConsumerCallbacks else {
                return 0
            }
            callbacks.statistics(Array(UnsafeRawBufferPointer(start: json, count: length)))
            return 0  // librdkafka frees the JSON
        }
    }

    /// A rebalance (poll thread). The subclass must assign or unassign through the client before returning.
    func rebalance(_ rebalance: Rebalance) {}

    /// librdkafka's statistics JSON (poll thread).
    func statistics(_ json: [UInt8]) {}
}

/// A librdkafka consumer client: every C call the consumer makes, as Swift methods with Swift values.
///
/// Ownership and threads: owns the `RDKafkaHandle` (the client) and the queue commit results arrive on. Rebalance,
/// error and statistics callbacks are served from `poll`, so they run on the thread that polls. `pause`, `resume`
/// and `raiseFatalError` are safe from any thread (librdkafka's API is); everything else is called by the poll
/// thread only (`@unchecked Sendable` covers `topicNames` and `commitQueue`, which only it touches).
final class RDKafkaConsumerClient: @unchecked Sendable {
    private let handle: RDKafkaHandle
    private var commitQueue: OpaquePointer?
    private var topicNames: [OpaquePointer: String] = [:]

    /// Creates the client with `properties`; rebalance, error and statistics callbacks go to `callbacks` from the
    /// polling thread. No network activity until `subscribe`.
    init(properties: [(name: String, value: String)], callbacks: RDKafkaConsumerCallbacks) throws(KafkaError) {
        let configuration = try RDKafkaConfiguration()
        try configuration.set(properties)
        handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, configuration: configuration, callbacks: callbacks)
        commitQueue = rd_kafka_queue_new(handle.pointer)
        // Serve rebalance, error and statistics callbacks from the consumer queue, i.e. from the poll thread.
        rd_kafka_poll_set_consumer(handle.pointer)
    }

    /// Subscribes to topic names and `^` patterns; a failure comes back as a `KafkaError`.
    func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = topics.map { (TopicPartition(topic: $0, partition: -1), Int64?.none) }
        let result = TopicPartitionList.withList(list) { rd_kafka_subscribe(handle.pointer, $0) }
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                code: .subscription, reason: "could not subscribe to \(topics.joined(separator: ", "))",
                librdkafkaCode: Int(result.rawValue))
        }
    }

    /// Polls the consumer queue for up to `milliseconds` (serving callbacks meanwhile).
    func poll(milliseconds: Int32) -> PolledMessage? {
        guard let message = rd_kafka_consumer_poll(handle.pointer, milliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let code = message.pointee.err
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .error(
                code: code.rawValue, reason: String(cString: rd_kafka_err2str(code)),
                isFatal: code == RD_KAFKA_RESP_ERR__FATAL)
        }
        return .record(RDKafkaMessage.record(from: message, topicNames: &topicNames))
    }

    /// Polls once, throwing any record away (not handed over: consumed again by the partition's next owner).
    /// Returns whether a record was discarded.
    func pollDiscarding(milliseconds: Int32) -> Bool {
        guard let message = rd_kafka_consumer_poll(handle.pointer, milliseconds) else { return false }
        defer { rd_kafka_message_destroy(message) }
        return message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Stops fetching `partitions`. Any thread.
    func pause(_ partitions: [TopicPartition]) {
        TopicPartitionList.withList(partitions.map { ($0, nil) }) { _ = rd_kafka_pause_partitions(handle.pointer, $0) }
    }

    /// Fetches `partitions` again. Any thread.
    func resume(_ partitions: [TopicPartition]) {
        TopicPartitionList.withList(partitions.map { ($0, nil) }) { _ = rd_kafka_resume_partitions(handle.pointer, $0) }
    }

    // MARK: Rebalance (from inside the rebalance callback)

    /// Whether the group uses the cooperative protocol (incremental assignment).
    var isCooperative: Bool { String(cString: rd_kafka_rebalance_protocol(handle.pointer)) == "COOPERATIVE" }

    /// Whether the partitions being revoked were lost (the group moved on: nothing will be committed).
    var assignmentLost: Bool { rd_kafka_assignment_lost(handle.pointer) != 0 }

    /// Takes the rebalance's partitions: incrementally (cooperative) or as the whole assignment (eager). Returns
    /// librdkafka's error text when the incremental call failed.
    func assign(_ rebalance: Rebalance) -> String? {
        guard isCooperative else {
            _ = rd_kafka_assign(handle.pointer, rebalance.list)
            return nil
        }
        return errorText(rd_kafka_incremental_assign(handle.pointer, rebalance.list))
    }

    /// Gives the rebalance's partitions up: incrementally (cooperative) or the whole assignment (eager).
    func unassign(_ rebalance: Rebalance) -> String? {
        guard isCooperative else {
            _ = rd_kafka_assign(handle.pointer, nil)
            return nil
        }
        return errorText(rd_kafka_incremental_unassign(handle.pointer, rebalance.list))
    }

    /// Drops the whole assignment (after a failed rebalance).
    func unassignAll() {
        _ = rd_kafka_assign(handle.pointer, nil)
    }

    private func errorText(_ error: OpaquePointer?) -> String? {
        guard let error else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return String(cString: rd_kafka_error_string(error))
    }

    /// Whether librdkafka's own view of the assignment is empty.
    var assignmentIsEmpty: Bool {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle.pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return false }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return list.pointee.cnt == 0
    }

    /// The partition count of each topic of the cluster's metadata that `wanted` selects (blocking, at most 5 s);
    /// nil on failure.
    func partitionCounts(where wanted: (String) -> Bool) -> [String: Int]? {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        guard rd_kafka_metadata(handle.pointer, 1, nil, &metadata, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata
        else {
            return nil
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var counts: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            let name = String(cString: topic.topic)
            if topic.partition_cnt > 0, wanted(name) { counts[name] = Int(topic.partition_cnt) }
        }
        return counts
    }

    /// The group's committed offset of each of `partitions` (blocking, at most `milliseconds`): a negative offset
    /// means none is committed; a partition the broker answered with an error is left out (unknown). Nil when the
    /// broker did not answer at all.
    func committedOffsets(of partitions: [TopicPartition], milliseconds: Int32) -> [TopicPartition: Int64]? {
        guard !partitions.isEmpty else { return [:] }
        return TopicPartitionList.withList(partitions.map { ($0, nil) }) { list in
            guard rd_kafka_committed(handle.pointer, list, milliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                return nil
            }
            return TopicPartitionList.offsets(of: list)
        }
    }

    /// The offset of the first record at or after `timestamp` (Unix milliseconds) in each of `partitions`
    /// (offsets-for-times; blocking, at most `milliseconds`): `-1` (the end) where no record is that recent; a
    /// partition answered with an error is left out. Nil when the lookup failed as a whole.
    func offsets(of partitions: [TopicPartition], atOrAfter timestamp: Int64, milliseconds: Int32)
        -> [TopicPartition: Int64]?
    {
        guard !partitions.isEmpty else { return [:] }
        return TopicPartitionList.withList(partitions.map { ($0, timestamp) }) { list in
            guard rd_kafka_offsets_for_times(handle.pointer, list, milliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                return nil
            }
            return TopicPartitionList.offsets(of: list).mapValues { $0 < 0 ? Int64(RD_KAFKA_OFFSET_END) : $0 }
        }
    }

    /// Makes the rebalance's partitions in `offsets` start there when it is assigned (instead of their committed
    /// offset or `auto.offset.reset`). Call before `assign`.
    func setStartOffsets(_ offsets: [TopicPartition: Int64], in rebalance: Rebalance) {
        guard let list = rebalance.list else { return }
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            if let offset = offsets[partition] { list.pointee.elems[index].offset = offset }
        }
    }

    // MARK: Commits

    /// Sends a commit of `offsets` whose answer arrives on the commit queue tagged with `token`. Returns the
    /// librdkafka error code of the send (0: sent).
    func sendCommit(_ offsets: [(TopicPartition, Int64)], token: Int) -> Int32 {
        guard let commitQueue else { return RD_KAFKA_RESP_ERR__DESTROY.rawValue }
        return TopicPartitionList.withList(offsets.map { ($0.0, $0.1) }) { list in
            rd_kafka_commit_queue(handle.pointer, list, commitQueue, nil, UnsafeMutableRawPointer(bitPattern: token))
        }.rawValue
    }

    /// A commit's answer: its token and, when it failed, the first error code (the request's or a partition's).
    struct CommitAnswer {
        var token: Int
        var errorCode: Int32?
    }

    /// Waits up to `milliseconds` for a commit answer on the commit queue.
    func nextCommitAnswer(milliseconds: Int32) -> CommitAnswer? {
        guard let commitQueue, let event = rd_kafka_queue_poll(commitQueue, milliseconds) else { return nil }
        defer { rd_kafka_event_destroy(event) }
        guard rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT else { return nil }
        let token = Int(bitPattern: rd_kafka_event_opaque(event))
        let code = rd_kafka_event_error(event)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { return CommitAnswer(token: token, errorCode: code.rawValue) }
        let errors = rd_kafka_event_topic_partition_list(event).map { TopicPartitionList.errors(of: $0) } ?? []
        return CommitAnswer(token: token, errorCode: errors.first?.1)
    }

    // MARK: Leaving and closing

    /// Unsubscribes (the revoke then runs from a later poll). Returns the error code (0: done).
    func unsubscribe() -> Int32 { rd_kafka_unsubscribe(handle.pointer).rawValue }

    /// `rd_kafka_consumer_close` (blocking: call it on a thread of its own). Returns the error code (0: closed).
    func close() -> Int32 { rd_kafka_consumer_close(handle.pointer).rawValue }

    /// Frees the commit queue, after a close.
    func destroyCommitQueue() {
        guard let queue = commitQueue else { return }
        commitQueue = nil
        rd_kafka_queue_destroy(queue)
    }

    /// Leaves the client to the process's exit instead of destroying it (see `RDKafkaHandle.leaveToProcessExit`).
    func leaveToProcessExit() { handle.leaveToProcessExit() }

    /// The fatal error librdkafka raised, with its own text, if any.
    func fatalError() -> KafkaError? { handle.fatalError() }

    /// Makes librdkafka raise a fatal error as when the cluster fences this member (tests only: the mock cluster
    /// never fences).
    func raiseFatalError(reason: String) {
        _ = rd_kafka_test_fatal_error(handle.pointer, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID, reason)
    }
}

extension RDKafkaConsumerClient {
    /// The code librdkafka reports a fatal error with (`RD_KAFKA_RESP_ERR__FATAL`).
    static let fatalErrorCode = RD_KAFKA_RESP_ERR__FATAL.rawValue
    /// Kafka's FENCED_INSTANCE_ID: another member joined with this member's `group.instance.id`.
    static let fencedInstanceCode = RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID.rawValue
}
