import RelayCore

/// Writes records that a policy dropped or Twilio rejected to the dead-letter topic: key, value, timestamp and
/// headers unchanged, plus headers naming the reason, the stream and where the record came from. `write` returns
/// only once the broker acknowledged the record, so the caller can then mark the source offset done.
public struct DeadLetterWriter: Sendable {
    /// Header names added to every dead letter.
    public enum HeaderName {
        public static let reason = "sync-relay.reason"
        /// More about the reason: an undecodable record's `UndecodableReason`, which field, and why.
        public static let detail = "sync-relay.detail"
        public static let stream = "sync-relay.stream"
        public static let sourceTopic = "sync-relay.source.topic"
        public static let sourcePartition = "sync-relay.source.partition"
        public static let sourceOffset = "sync-relay.source.offset"
        /// Present when the record was too large for the dead-letter topic: the dead letter then carries no value,
        /// and this header says how large it was (the source coordinates find the original).
        public static let valueOmitted = "sync-relay.value-omitted"
    }

    /// librdkafka's and the broker's code for a record larger than `message.max.bytes` (or the topic's
    /// `max.message.bytes`).
    static let messageSizeTooLarge = 10

    private let producer: KafkaProducer
    /// The dead-letter topic.
    public let topic: String

    /// Writes dead letters to `topic` through `producer`.
    public init(producer: KafkaProducer, topic: String) {
        self.producer = producer
        self.topic = topic
    }

    /// Writes `record` with `reason` (a short stable word such as `oversize`, `overflow`, `rejected`) for `stream`.
    public func write(_ record: SourceRecord, reason: String, stream: String) async throws(KafkaError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<KafkaError?, Never>) in
            write(record, reason: reason, stream: stream) { continuation.resume(returning: $0) }
        }
        if let result { throw result }
    }

    /// Writes `record` and calls `completion` once: nil when the broker acknowledged it, else the error. A record
    /// too large for the topic is written again without its value (retrying the same bytes would fail for ever and
    /// stall the partition); the headers still name the reason and where the original is.
    public func write(
        _ record: SourceRecord, reason: String, stream: String, detail: String? = nil,
        completion: @escaping @Sendable (KafkaError?) -> Void
    ) {
        var headers: [SourceRecord.Header] = [
            .init(name: HeaderName.reason, value: Array(reason.utf8)),
            .init(name: HeaderName.stream, value: Array(stream.utf8)),
            .init(name: HeaderName.sourceTopic, value: Array(record.topic.utf8)),
            .init(name: HeaderName.sourcePartition, value: Array(String(record.partition).utf8)),
            .init(name: HeaderName.sourceOffset, value: Array(String(record.offset).utf8)),
        ]
        if let detail { headers.append(.init(name: HeaderName.detail, value: Array(detail.utf8))) }
        let added = headers
        let producer = producer
        let topic = topic
        producer.send(
            topic: topic, key: record.key, value: record.value, headers: record.headers + added,
            timestamp: record.timestamp
        ) { result in
            switch result {
            case .success:
                completion(nil)
            case .failure(let error) where error.librdkafkaCode == Self.messageSizeTooLarge:
                let omitted = SourceRecord.Header(
                    name: HeaderName.valueOmitted,
                    value: Array("\(record.value?.count ?? 0) bytes: larger than the dead-letter topic accepts".utf8))
                producer.send(
                    topic: topic, key: record.key, value: nil, headers: record.headers + added + [omitted],
                    timestamp: record.timestamp
                ) { completion($0.failure) }
            case .failure(let error):
                completion(error)
            }
        }
    }
}

/// The engine's `DeadLetterSink` port: a write is answered once the broker acknowledged it.
extension DeadLetterWriter: DeadLetterSink {
    public func write(_ letter: DeadLetter, answer: @escaping @Sendable (_ failure: String?) -> Void) {
        write(letter.record, reason: letter.reason.rawValue, stream: letter.stream, detail: letter.detail) {
            answer($0?.description)
        }
    }
}

extension Result {
    /// The failure, if any.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
