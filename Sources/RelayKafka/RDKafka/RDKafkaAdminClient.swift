import CLibRDKafka
import Logging
import RelayCore

/// librdkafka's admin side for `sync-relay offsets`: cluster metadata, watermarks, offsets-for-times and the group
/// requests (DescribeGroups, OffsetFetch and OffsetCommit through `rd_kafka_DescribeConsumerGroups`,
/// `rd_kafka_ListConsumerGroupOffsets` and `rd_kafka_AlterConsumerGroupOffsets`), as Swift values.
///
/// Ownership and threads: owns a consumer-type `RDKafkaHandle` created without `group.id` (so it can neither join
/// nor commit as a member: admin requests run on any client) and the queue admin results arrive on, destroyed in
/// `deinit` before the handle. Every method blocks its caller until the broker answers or the timeout passes: call
/// them from a thread of their own (`KafkaGroupAdmin` runs them through `BlockingCall`). Log and error callbacks
/// come from librdkafka's threads.
final class RDKafkaAdminClient: @unchecked Sendable {
    // @unchecked: `handle` and `queue` are set once in init; librdkafka's API is thread-safe.
    private let handle: RDKafkaHandle
    private let queue: OpaquePointer

    init(properties: [(name: String, value: String)], logger: Logger) throws(KafkaError) {
        let configuration = try RDKafkaConfiguration()
        try configuration.set(properties)
        handle = try RDKafkaHandle(
            type: RD_KAFKA_CONSUMER, configuration: configuration, callbacks: RDKafkaCallbacks(logger: logger))
        queue = rd_kafka_queue_new(handle.pointer)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }

    /// The partition count of every topic in the cluster's metadata (topics the broker answered with an error are
    /// left out).
    func topicPartitionCounts(milliseconds: Int32) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle.pointer, 1, nil, &metadata, milliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(
                code: .admin,
                reason: "could not read the cluster's metadata: \(String(cString: rd_kafka_err2str(result)))",
                librdkafkaCode: Int(result.rawValue))
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var counts: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            counts[String(cString: topic.topic)] = Int(topic.partition_cnt)
        }
        return counts
    }

    /// The log start (low watermark) and log end (high watermark) of `partition`, asked of its leader.
    func watermarks(of partition: TopicPartition, milliseconds: Int32) throws(KafkaError) -> (start: Int64, end: Int64)
    {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(
            handle.pointer, partition.topic, partition.partition, &low, &high, milliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                code: .admin,
                reason: "could not read \(partition)'s log start and end: \(String(cString: rd_kafka_err2str(result)))",
                librdkafkaCode: Int(result.rawValue))
        }
        return (low, high)
    }

    /// The first offset whose record's timestamp is at or after `timestamp` (Unix milliseconds) in each partition;
    /// nil where no record is that recent.
    func offsets(atOrAfter timestamp: Int64, of partitions: [TopicPartition], milliseconds: Int32)
        throws(KafkaError) -> [TopicPartition: Int64?]
    {
        let answer: Result<[TopicPartition: Int64?], KafkaError> = TopicPartitionList.withList(
            partitions.map { ($0, timestamp) }
        ) { list in
            let result = rd_kafka_offsets_for_times(handle.pointer, list, milliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                return .failure(
                    KafkaError(
                        code: .admin,
                        reason: "offsets-for-times failed: \(String(cString: rd_kafka_err2str(result)))",
                        librdkafkaCode: Int(result.rawValue)))
            }
            return Self.offsets(TopicPartitionList.entries(of: UnsafePointer(list))) {
                "offsets-for-times failed for \($0)"
            }
        }
        return try answer.get()
    }

    // MARK: Group requests

    /// The group's state and active members, as its coordinator describes them.
    func describeGroup(_ group: String, milliseconds: Int32) throws(KafkaError) -> ConsumerGroupSnapshot {
        try request(
            "describing group \(group)", expecting: RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
            milliseconds: milliseconds
        ) { options in
            group.withCString { name in
                var names: [UnsafePointer<CChar>?] = [name]
                rd_kafka_DescribeConsumerGroups(handle.pointer, &names, 1, options, queue)
            }
        } read: { event in
            var count = 0
            guard let result = rd_kafka_event_DescribeConsumerGroups_result(event),
                let groups = rd_kafka_DescribeConsumerGroups_result_groups(result, &count), count == 1,
                let description = groups[0]
            else {
                return .failure(KafkaError(code: .admin, reason: "describing group \(group): no description came back"))
            }
            if let error = rd_kafka_ConsumerGroupDescription_error(description) {
                return .failure(
                    KafkaError(
                        code: .admin,
                        reason: "describing group \(group): \(String(cString: rd_kafka_error_string(error)))",
                        librdkafkaCode: Int(rd_kafka_error_code(error).rawValue)))
            }
            let state = String(
                cString: rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(description)))
            let members = (0..<rd_kafka_ConsumerGroupDescription_member_count(description)).compactMap { index in
                rd_kafka_ConsumerGroupDescription_member(description, index).map { member in
                    ConsumerGroupSnapshot.Member(
                        memberId: Self.text(rd_kafka_MemberDescription_consumer_id(member)),
                        clientId: Self.text(rd_kafka_MemberDescription_client_id(member)),
                        host: Self.text(rd_kafka_MemberDescription_host(member)),
                        instanceId: rd_kafka_MemberDescription_group_instance_id(member).map { String(cString: $0) })
                }
            }
            return .success(ConsumerGroupSnapshot(state: state, members: members))
        }
    }

    /// The group's committed offset of each of `partitions`; nil where none is committed.
    func committedOffsets(group: String, partitions: [TopicPartition], milliseconds: Int32)
        throws(KafkaError) -> [TopicPartition: Int64?]
    {
        try request(
            "reading group \(group)'s committed offsets", expecting: RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
            milliseconds: milliseconds
        ) { options in
            TopicPartitionList.withList(partitions.map { ($0, nil) }) { list in
                // The request copies the list; it is destroyed here, once handed over.
                var requests: [OpaquePointer?] = [rd_kafka_ListConsumerGroupOffsets_new(group, list)]
                rd_kafka_ListConsumerGroupOffsets(handle.pointer, &requests, 1, options, queue)
                rd_kafka_ListConsumerGroupOffsets_destroy_array(&requests, 1)
            }
        } read: { event in
            var count = 0
            guard let result = rd_kafka_event_ListConsumerGroupOffsets_result(event),
                let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count), count == 1,
                let answer = groups[0]
            else {
                return .failure(KafkaError(code: .admin, reason: "reading group \(group)'s offsets: no answer"))
            }
            if let failure = Self.groupFailure(answer, "reading group \(group)'s offsets") { return .failure(failure) }
            return Self.offsets(TopicPartitionList.entries(of: rd_kafka_group_result_partitions(answer))) {
                "reading \($0)'s committed offset"
            }
        }
    }

    /// Commits `offsets` for the group (OffsetCommit as a non-member, as Kafka's own tools do), and returns each
    /// partition's outcome: nil when committed, else the broker's error (a group with members answers
    /// UNKNOWN_MEMBER_ID).
    func alterOffsets(group: String, offsets: [(TopicPartition, Int64)], milliseconds: Int32)
        throws(KafkaError) -> [TopicPartition: KafkaError?]
    {
        try request(
            "committing group \(group)'s offsets", expecting: RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
            milliseconds: milliseconds
        ) { options in
            TopicPartitionList.withList(offsets.map { ($0.0, $0.1) }) { list in
                var requests: [OpaquePointer?] = [rd_kafka_AlterConsumerGroupOffsets_new(group, list)]
                rd_kafka_AlterConsumerGroupOffsets(handle.pointer, &requests, 1, options, queue)
                rd_kafka_AlterConsumerGroupOffsets_destroy_array(&requests, 1)
            }
        } read: { event in
            var count = 0
            guard let result = rd_kafka_event_AlterConsumerGroupOffsets_result(event),
                let groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(result, &count), count == 1,
                let answer = groups[0]
            else {
                return .failure(KafkaError(code: .admin, reason: "committing group \(group)'s offsets: no answer"))
            }
            let entries = TopicPartitionList.entries(of: rd_kafka_group_result_partitions(answer))
            // A group-level error with no partitions (coordinator unavailable, not authorised) fails the request;
            // with partitions, each partition carries its own.
            if entries.isEmpty, let failure = Self.groupFailure(answer, "committing group \(group)'s offsets") {
                return .failure(failure)
            }
            var outcomes: [TopicPartition: KafkaError?] = [:]
            for entry in entries {
                outcomes[entry.partition] =
                    entry.errorCode == 0
                    ? nil
                    : KafkaError(
                        code: .commit, reason: TopicPartitionList.errorText(entry.errorCode),
                        librdkafkaCode: Int(entry.errorCode))
            }
            return .success(outcomes)
        }
    }

    /// Sends one admin request with `send` (given the options, with the request timeout set), waits for its result
    /// event on the admin queue and reads it with `read` while the event lives (it is destroyed after).
    private func request<Value>(
        _ what: String, expecting type: Int32, milliseconds: Int32, send: (OpaquePointer?) -> Void,
        read: (OpaquePointer) -> Result<Value, KafkaError>
    ) throws(KafkaError) -> Value {
        let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_ANY)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = ErrorText()
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText.buffer, errorText.size)
        send(options)
        // librdkafka answers by the request timeout; the margin only covers its own scheduling.
        guard
            let event = rd_kafka_queue_poll(
                queue, milliseconds.addingReportingOverflow(2000).overflow ? .max : milliseconds + 2000)
        else {
            throw KafkaError(code: .admin, reason: "\(what): no answer within \(milliseconds) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(code: .admin, reason: "\(what): \(text)", librdkafkaCode: Int(code.rawValue))
        }
        guard rd_kafka_event_type(event) == type else {
            throw KafkaError(code: .admin, reason: "\(what): unexpected answer (\(rd_kafka_event_type(event)))")
        }
        return try read(event).get()
    }

    /// The group-level error of a group result, if any.
    /// Each entry's offset (nil where none: a negative offset), or the first entry's error, described by `what`.
    private static func offsets(
        _ entries: [TopicPartitionList.Entry], failing what: (TopicPartition) -> String
    ) -> Result<[TopicPartition: Int64?], KafkaError> {
        var offsets: [TopicPartition: Int64?] = [:]
        for entry in entries {
            guard entry.errorCode == 0 else {
                return .failure(
                    KafkaError(
                        code: .admin,
                        reason: what(entry.partition) + ": " + TopicPartitionList.errorText(entry.errorCode),
                        librdkafkaCode: Int(entry.errorCode)))
            }
            offsets[entry.partition] = entry.offset >= 0 ? entry.offset : nil
        }
        return .success(offsets)
    }

    private static func groupFailure(_ answer: OpaquePointer, _ what: String) -> KafkaError? {
        guard let error = rd_kafka_group_result_error(answer) else { return nil }
        return KafkaError(
            code: .admin, reason: "\(what): \(String(cString: rd_kafka_error_string(error)))",
            librdkafkaCode: Int(rd_kafka_error_code(error).rawValue))
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}

extension RDKafkaAdminClient {
    /// librdkafka's codes for "the broker does not implement this request" (its own, and Kafka's
    /// UNSUPPORTED_VERSION): librdkafka's mock cluster answers DescribeGroups so.
    static let unsupportedCodes: Set<Int> = [
        Int(RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE.rawValue), Int(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION.rawValue),
    ]
}
