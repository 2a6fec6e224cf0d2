/// An error from the Kafka adapter. Public errors never expose C types: librdkafka's numeric code is kept as an `Int`.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        /// A librdkafka client could not be created from the given configuration.
        public static let clientCreation = Code(name: "clientCreation")
        /// A configuration property was rejected by librdkafka.
        public static let configuration = Code(name: "configuration")
        /// The in-process mock cluster could not be started or driven.
        public static let mockCluster = Code(name: "mockCluster")
        /// librdkafka raised a fatal error: the client cannot continue and the service must stop.
        public static let fatal = Code(name: "fatal")
        /// A transient error librdkafka retries by itself (broker down, connection reset...).
        public static let transient = Code(name: "transient")
        /// Subscribing to the configured topics failed.
        public static let subscription = Code(name: "subscription")
        /// Committing offsets failed (the offsets are committed again later; nothing is lost).
        public static let commit = Code(name: "commit")
        /// A record could not be produced (enqueue or delivery failed).
        public static let produce = Code(name: "produce")
        /// The client was closed before the operation finished.
        public static let closed = Code(name: "closed")
        /// An admin request (describe the group, read or alter its offsets, watermarks, offsets-for-times) failed.
        public static let admin = Code(name: "admin")
        public var description: String { name }
    }

    /// The error's code.
    public let code: Code
    /// A plain-English reason, safe to log (never contains secrets).
    public let reason: String
    /// librdkafka's `rd_kafka_resp_err_t`, when one caused this error.
    public let librdkafkaCode: Int?

    /// Creates an error.
    public init(code: Code, reason: String, librdkafkaCode: Int? = nil) {
        self.code = code
        self.reason = reason
        self.librdkafkaCode = librdkafkaCode
    }

    /// Whether the group fenced this member: another consumer joined with the same `group.instance.id`
    /// (`kafka.instanceId`). Fatal, and a restart with the same id would fence the other one in turn.
    public var isFenced: Bool { librdkafkaCode == Int(RDKafkaConsumerClient.fencedInstanceCode) }

    public var description: String {
        if let librdkafkaCode { return "\(code): \(reason) (librdkafka error \(librdkafkaCode))" }
        return "\(code): \(reason)"
    }
}
