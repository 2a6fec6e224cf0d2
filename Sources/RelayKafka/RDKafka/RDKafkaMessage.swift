import CLibRDKafka
import RelayCore

/// Turns a consumed `rd_kafka_message_t` into a `SourceRecord`. The bytes are copied once (the message is destroyed
/// right after); a null key or value stays nil and an empty one stays empty, so the record's bytes are intact.
enum RDKafkaMessage {
    /// `topicNames` caches each topic handle's name (handles live as long as the client), so the name is not
    /// decoded again for every record.
    static func record(
        from message: UnsafeMutablePointer<rd_kafka_message_t>, topicNames: inout [OpaquePointer: String]
    ) -> SourceRecord {
        let value = message.pointee
        let topic: String
        if let handle = value.rkt, let cached = topicNames[handle] {
            topic = cached
        } else {
            topic = String(cString: rd_kafka_topic_name(value.rkt))
            if let handle = value.rkt { topicNames[handle] = topic }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return SourceRecord(
            topic: topic,
            partition: value.partition,
            offset: value.offset,
            timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0 ? nil : timestamp,
            key: bytes(value.key, value.key_len),
            value: bytes(value.payload, value.len),
            headers: headers(of: message)
        )
    }

    private static func bytes(_ pointer: UnsafeMutableRawPointer?, _ length: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [SourceRecord.Header] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var headers: [SourceRecord.Header] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                break
            }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            headers.append(SourceRecord.Header(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return headers
    }
}
