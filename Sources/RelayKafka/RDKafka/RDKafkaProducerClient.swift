import CLibRDKafka
import RelayCore

/// Delivery reports as Swift, on the thread that polls the producer.
class RDKafkaProducerCallbacks: RDKafkaCallbacks, @unchecked Sendable {
    override func install(on conf: OpaquePointer) {
        super.install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf) { client, message, _ in
            guard let message, let opaque = message.pointee._private,
                let callbacks = RDKafkaHandle.callbacks(of: client) as? RDKafkaProducerCallbacks
            else { return }
            let code = message.pointee.err
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                callbacks.delivered(
                    opaque: opaque,
                    result: .success(.init(partition: message.pointee.partition, offset: message.pointee.offset)))
            } else {
                let reason = String(cString: rd_kafka_err2str(code))
                callbacks.delivered(
                    opaque: opaque,
                    result: .failure(KafkaError(code: .produce, reason: reason, librdkafkaCode: Int(code.rawValue))))
            }
        }
    }

    /// The broker answered the record enqueued with `opaque`.
    func delivered(opaque: UnsafeMutableRawPointer, result: Result<KafkaProducer.Delivery, KafkaError>) {}
}

/// A librdkafka producer client: every C call the producer makes.
///
/// Ownership and threads: owns the `RDKafkaHandle`; `produce` may be called from any thread; `poll` (which runs the
/// delivery callbacks) from the producer's poll thread; `flush` blocks the caller.
final class RDKafkaProducerClient: Sendable {
    private let handle: RDKafkaHandle

    init(properties: [(name: String, value: String)], callbacks: RDKafkaProducerCallbacks) throws(KafkaError) {
        let configuration = try RDKafkaConfiguration()
        try configuration.set(properties)
        handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, configuration: configuration, callbacks: callbacks)
    }

    /// Enqueues one record (bytes copied); `opaque` comes back in its delivery report. Returns the error when it
    /// could not be enqueued (then no report comes).
    func produce(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header],
        timestamp: Int64?, opaque: UnsafeMutableRawPointer
    ) -> KafkaError? {
        let headerList = rd_kafka_headers_new(headers.count)!
        for header in headers {
            let size = header.value?.count ?? 0
            header.value.withOptionalBytes { bytes in _ = rd_kafka_header_add(headerList, header.name, -1, bytes, size)
            }
        }
        let error: OpaquePointer? = topic.withCString { topicName in
            key.withOptionalBytes { keyBytes in
                value.withOptionalBytes { valueBytes in
                    var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 8)
                    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    fields[0].u.cstr = topicName
                    fields[1].vtype = RD_KAFKA_VTYPE_PARTITION
                    fields[1].u.i32 = partition ?? RD_KAFKA_PARTITION_UA
                    fields[2].vtype = RD_KAFKA_VTYPE_VALUE
                    fields[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes)
                    fields[2].u.mem.size = value?.count ?? 0
                    fields[3].vtype = RD_KAFKA_VTYPE_KEY
                    fields[3].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes)
                    fields[3].u.mem.size = key?.count ?? 0
                    fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    fields[4].u.i = RD_KAFKA_MSG_F_COPY
                    fields[5].vtype = RD_KAFKA_VTYPE_OPAQUE
                    fields[5].u.ptr = opaque
                    fields[6].vtype = RD_KAFKA_VTYPE_HEADERS
                    fields[6].u.headers = headerList
                    fields[7].vtype = RD_KAFKA_VTYPE_TIMESTAMP
                    fields[7].u.i64 = timestamp ?? 0
                    return rd_kafka_produceva(handle.pointer, fields, fields.count)
                }
            }
        }
        guard let error else { return nil }  // librdkafka owns the headers now
        rd_kafka_headers_destroy(headerList)
        let code = rd_kafka_error_code(error)
        let reason = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        return KafkaError(code: .produce, reason: reason, librdkafkaCode: Int(code.rawValue))
    }

    /// Serves delivery reports for up to `milliseconds`.
    func poll(milliseconds: Int32) {
        rd_kafka_poll(handle.pointer, milliseconds)
    }

    /// Records not yet acknowledged.
    var queueLength: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Waits up to `milliseconds` for every record to be acknowledged; returns how many are still pending.
    @discardableResult
    func flush(milliseconds: Int32) -> Int {
        _ = rd_kafka_flush(handle.pointer, milliseconds)
        return queueLength
    }

    /// Fails every record still queued or in flight (their delivery reports say so).
    func purgeAll() {
        _ = rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }
}
extension Optional where Wrapped == [UInt8] {
    /// Calls `body` with the bytes' address, or nil for a nil array (an empty array gives a valid, empty buffer).
    func withOptionalBytes<Result>(_ body: (UnsafeRawPointer?) -> Result) -> Result {
        guard let bytes = self else { return body(nil) }
        return bytes.withUnsafeBytes { buffer in
            // An empty array may have no base address; librdkafka needs a non-null pointer for an empty (not null) value.
            body(buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
        }
    }
}
