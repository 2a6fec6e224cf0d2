import CLibRDKafka
import RelayCore

/// Conversions between `rd_kafka_topic_partition_list_t` and Swift values.
///
/// Ownership: `withList` creates a list, lends it to `body`, and destroys it after; `partitions(of:)` only reads a
/// list librdkafka owns (e.g. the one passed to the rebalance callback).
enum TopicPartitionList {
    /// Runs `body` with a new list holding `offsets` (an offset of nil leaves librdkafka's "invalid" default).
    static func withList<Result>(
        _ offsets: [(TopicPartition, Int64?)], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Result
    ) -> Result {
        let list = rd_kafka_topic_partition_list_new(Int32(max(offsets.count, 1)))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            if let offset { element.pointee.offset = offset }
        }
        return body(list)
    }

    /// The partitions in a list librdkafka owns.
    static func partitions(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        guard let list, list.pointee.cnt > 0 else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    /// The offset of each partition in a list that librdkafka answered without an error (committed offsets,
    /// offsets-for-times); partitions with an error are left out.
    static func offsets(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            guard element.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                element.offset
        }
        return offsets
    }

    /// The partitions in a list with their error codes (0 for none), for commit results.
    static func errors(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [(TopicPartition, Int32)] {
        (0..<Int(list.pointee.cnt)).compactMap { index in
            let element = list.pointee.elems[index]
            guard element.err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            return (
                TopicPartition(topic: String(cString: element.topic), partition: element.partition),
                element.err.rawValue
            )
        }
    }
}
