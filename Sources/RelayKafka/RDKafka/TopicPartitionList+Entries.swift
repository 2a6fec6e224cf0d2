import CLibRDKafka
import RelayCore

extension TopicPartitionList {
    /// One element of a list librdkafka answered: the partition, its offset and its error code (0 for none).
    struct Entry {
        var partition: TopicPartition
        var offset: Int64
        var errorCode: Int32
    }

    /// Every element of a list librdkafka owns (an admin result's, offsets-for-times'), errors included.
    static func entries(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [Entry] {
        guard let list, list.pointee.cnt > 0 else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return Entry(
                partition: TopicPartition(topic: String(cString: element.topic), partition: element.partition),
                offset: element.offset, errorCode: element.err.rawValue)
        }
    }

    /// librdkafka's text for an error code.
    static func errorText(_ code: Int32) -> String {
        String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(rawValue: code)))
    }
}
