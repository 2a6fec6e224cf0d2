import CLibRDKafka
import Foundation
import Logging
import RelayCore
import Synchronization

/// A Kafka producer whose `send` returns once the broker acknowledged the record (or failed it for good), so a
/// caller can mark the source offset done only after the write is durable. Used for dead letters, by the demo's
/// sample producers and by tests.
///
/// Threads: a dedicated `kafka-producer` thread polls librdkafka, which runs the delivery-report callback there;
/// the callback resumes the waiting `send`.
public final class KafkaProducer: Sendable {
    private let handle: RDKafkaHandle
    private let logger: Logger
    private let closed = Atomic<Bool>(false)
    private let pollThreadDone = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let pollThreadFinished = Atomic<Bool>(false)

    /// Creates a producer for `brokers` with extra librdkafka `properties` (TLS, SASL...). Idempotence is on by
    /// default (no duplicates from librdkafka's own retries, order kept per partition).
    public init(brokers: [String], properties: [(name: String, value: String)] = [], logger: Logger) throws(KafkaError) {
        self.logger = logger
        let configuration = try RDKafkaConfiguration()
        try configuration.set([("bootstrap.servers", brokers.joined(separator: ",")), ("enable.idempotence", "true")] + properties)
        handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, configuration: configuration, callbacks: ProducerCallbacks(logger: logger))
        let thread = Thread { [self] in pollUntilClosed() }
        thread.name = "kafka-producer"
        thread.start()
    }

    /// What the broker acknowledged.
    public struct Delivery: Sendable, Equatable {
        /// The partition the record was written to.
        public var partition: Int32
        /// Its offset there.
        public var offset: Int64
    }

    /// Writes one record and waits for the broker's acknowledgement. `partition` nil lets the partitioner choose
    /// (by key). Key, value and header bytes are copied; nil stays null, empty stays empty.
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header] = [],
        timestamp: Int64? = nil
    ) async throws(KafkaError) -> Delivery {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError(code: .closed, reason: "the producer is closed") }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Delivery, KafkaError>, Never>) in
            enqueue(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp) {
                continuation.resume(returning: $0)
            }
        }
        return try result.get()
    }

    /// Writes one record and calls `completion` once with the broker's answer, on the producer's poll thread (or at
    /// once on the calling thread when the producer is closed or the record cannot be enqueued). No task involved.
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header] = [],
        timestamp: Int64? = nil, completion: @escaping @Sendable (Result<Delivery, KafkaError>) -> Void
    ) {
        guard !closed.load(ordering: .relaxed) else {
            return completion(.failure(KafkaError(code: .closed, reason: "the producer is closed")))
        }
        enqueue(
            topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp,
            completion: completion)
    }

    /// One record for `send(_:)`.
    public struct OutgoingRecord: Sendable {
        public var topic: String
        public var partition: Int32?
        public var key: [UInt8]?
        public var value: [UInt8]?
        public var headers: [SourceRecord.Header]

        /// A record for `topic`; `partition` nil lets the partitioner choose by key.
        public init(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header] = []) {
            self.topic = topic
            self.partition = partition
            self.key = key
            self.value = value
            self.headers = headers
        }
    }

    /// Writes `records` in order (records of one partition keep this order in Kafka) and waits for every
    /// acknowledgement. Throws the first failure, after all have completed.
    public func send(_ records: [OutgoingRecord]) async throws(KafkaError) {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError(code: .closed, reason: "the producer is closed") }
        guard !records.isEmpty else { return }
        let results = await withCheckedContinuation { (continuation: CheckedContinuation<[Result<Delivery, KafkaError>], Never>) in
            // Enqueued in order here, on one thread; each delivery report fills its slot, the last one resumes.
            let batch = DeliveryBatch(count: records.count, continuation: continuation)
            for (index, record) in records.enumerated() {
                enqueue(topic: record.topic, partition: record.partition, key: record.key, value: record.value, headers: record.headers, timestamp: nil) {
                    batch.complete(index, $0)
                }
            }
        }
        for result in results { _ = try result.get() }
    }

    /// Waits until every record sent so far is acknowledged or `timeout` passes; returns the number still pending.
    /// Blocks the calling thread: call it from a thread of your own, not from Swift's cooperative pool.
    @discardableResult
    public func flush(timeout: Duration) -> Int {
        _ = rd_kafka_flush(handle.pointer, Int32(KafkaConsumerSettings.milliseconds(timeout)))
        return Int(rd_kafka_outq_len(handle.pointer))
    }

    /// Flushes for up to `timeout`, fails what is still pending (each waiting `send` throws), and stops the poll
    /// thread. Idempotent.
    public func close(timeout: Duration = .seconds(10)) async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let handle = self.handle
        let pending = await BlockingCall.run { () -> Int in
            _ = rd_kafka_flush(handle.pointer, Int32(KafkaConsumerSettings.milliseconds(timeout)))
            return Int(rd_kafka_outq_len(handle.pointer))
        }
        if pending > 0 {
            _ = rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        }
        await withCheckedContinuation { continuation in
            let finished = pollThreadDone.withLock { waiting -> Bool in
                if pollThreadFinished.load(ordering: .acquiring) { return true }
                waiting = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }

    // MARK: librdkafka

    /// Enqueues one record; `completion` runs once, with the broker's answer (on the poll thread) or at once with
    /// the enqueue error.
    private func enqueue(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header],
        timestamp: Int64?, completion: @escaping @Sendable (Result<Delivery, KafkaError>) -> Void
    ) {
        let opaque = Unmanaged.passRetained(DeliveryWaiter(completion)).toOpaque()
        let headerList = rd_kafka_headers_new(headers.count)!
        for header in headers {
            let size = header.value?.count ?? 0
            header.value.withOptionalBytes { bytes in _ = rd_kafka_header_add(headerList, header.name, -1, bytes, size) }
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
        guard let error else { return }  // librdkafka owns the headers and the waiter now
        rd_kafka_headers_destroy(headerList)
        let code = rd_kafka_error_code(error)
        let reason = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release()
        completion(.failure(KafkaError(code: .produce, reason: reason, librdkafkaCode: Int(code.rawValue))))
    }

    private func pollUntilClosed() {
        while !closed.load(ordering: .relaxed) || rd_kafka_outq_len(handle.pointer) > 0 {
            rd_kafka_poll(handle.pointer, 100)
        }
        rd_kafka_poll(handle.pointer, 0)
        let waiting = pollThreadDone.withLock { waiting -> CheckedContinuation<Void, Never>? in
            pollThreadFinished.store(true, ordering: .releasing)
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume()
    }
}

/// Carries a record's completion through librdkafka as the message's opaque: retained when enqueued, released by
/// the delivery-report callback (or right away when enqueueing fails).
final class DeliveryWaiter: Sendable {
    let completion: @Sendable (Result<KafkaProducer.Delivery, KafkaError>) -> Void
    init(_ completion: @escaping @Sendable (Result<KafkaProducer.Delivery, KafkaError>) -> Void) {
        self.completion = completion
    }
}

/// Collects the answers of a batch of records and resumes the waiting `send(_:)` when the last one arrives.
final class DeliveryBatch: Sendable {
    private let state: Mutex<(results: [Result<KafkaProducer.Delivery, KafkaError>?], remaining: Int)>
    private let continuation: CheckedContinuation<[Result<KafkaProducer.Delivery, KafkaError>], Never>

    init(count: Int, continuation: CheckedContinuation<[Result<KafkaProducer.Delivery, KafkaError>], Never>) {
        state = Mutex((Array(repeating: nil, count: count), count))
        self.continuation = continuation
    }

    func complete(_ index: Int, _ result: Result<KafkaProducer.Delivery, KafkaError>) {
        let finished = state.withLock { state -> [Result<KafkaProducer.Delivery, KafkaError>]? in
            state.results[index] = result
            state.remaining -= 1
            return state.remaining == 0 ? state.results.map { $0! } : nil
        }
        if let finished { continuation.resume(returning: finished) }
    }
}

/// The producer's C callbacks: delivery reports, on the producer's poll thread.
final class ProducerCallbacks: RDKafkaCallbacks, @unchecked Sendable {
    override func install(on conf: OpaquePointer) {
        super.install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
            let code = message.pointee.err
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                waiter.completion(.success(.init(partition: message.pointee.partition, offset: message.pointee.offset)))
            } else {
                let reason = String(cString: rd_kafka_err2str(code))
                waiter.completion(.failure(KafkaError(code: .produce, reason: reason, librdkafkaCode: Int(code.rawValue))))
            }
        }
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
