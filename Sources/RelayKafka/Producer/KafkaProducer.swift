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
    private let client: RDKafkaProducerClient
    private let logger: Logger
    private let closed = Atomic<Bool>(false)
    private let pollThreadDone = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let pollThreadFinished = Atomic<Bool>(false)

    /// Creates a producer for `brokers` with extra librdkafka `properties` (TLS, SASL...). Idempotence is on by
    /// default (no duplicates from librdkafka's own retries, order kept per partition).
    public init(brokers: [String], properties: [(name: String, value: String)] = [], logger: Logger) throws(KafkaError)
    {
        self.logger = logger
        client = try RDKafkaProducerClient(
            properties: [("bootstrap.servers", brokers.joined(separator: ",")), ("enable.idempotence", "true")]
                + properties,
            callbacks: ProducerCallbacks(logger: logger))
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
        guard !closed.load(ordering: .relaxed) else {
            throw KafkaError(code: .closed, reason: "the producer is closed")
        }
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Delivery, KafkaError>, Never>) in
            enqueue(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp)
            {
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
        public init(
            topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header] = []
        ) {
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
        guard !closed.load(ordering: .relaxed) else {
            throw KafkaError(code: .closed, reason: "the producer is closed")
        }
        guard !records.isEmpty else { return }
        let results = await withCheckedContinuation {
            (continuation: CheckedContinuation<[Result<Delivery, KafkaError>], Never>) in
            // Enqueued in order here, on one thread; each delivery report fills its slot, the last one resumes.
            let batch = DeliveryBatch(count: records.count, continuation: continuation)
            for (index, record) in records.enumerated() {
                enqueue(
                    topic: record.topic, partition: record.partition, key: record.key, value: record.value,
                    headers: record.headers, timestamp: nil
                ) {
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
        client.flush(milliseconds: Int32(KafkaConsumerSettings.milliseconds(timeout)))
    }

    /// Flushes for up to `timeout`, fails what is still pending (each waiting `send` throws), and stops the poll
    /// thread. Idempotent.
    public func close(timeout: Duration = .seconds(10)) async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let client = self.client
        let pending = await BlockingCall.run {
            client.flush(milliseconds: Int32(KafkaConsumerSettings.milliseconds(timeout)))
        }
        if pending > 0 { client.purgeAll() }
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
        guard
            let error = client.produce(
                topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp,
                opaque: opaque)
        else { return }  // librdkafka owns the waiter now
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release()
        completion(.failure(error))
    }

    private func pollUntilClosed() {
        while !closed.load(ordering: .relaxed) || client.queueLength > 0 {
            client.poll(milliseconds: 100)
        }
        client.poll(milliseconds: 0)
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

/// Delivery reports, on the producer's poll thread: each resolves the record's waiter.
final class ProducerCallbacks: RDKafkaProducerCallbacks, @unchecked Sendable {
    override func delivered(opaque: UnsafeMutableRawPointer, result: Result<KafkaProducer.Delivery, KafkaError>) {
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue().completion(result)
    }
}
