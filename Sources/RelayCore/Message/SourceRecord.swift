/// One Kafka record as the engine sees it: the Kafka adapter builds these, the engine packs them, and a dropped or
/// dead-lettered record is handed back unchanged.
///
/// Bytes are plain `[UInt8]` (copy-on-write, so passing a record around does not copy its payload).
public struct SourceRecord: Sendable, Hashable {
    /// A Kafka record header: a name and optional bytes.
    public struct Header: Sendable, Hashable {
        /// Header name.
        public var name: String
        /// Header value; `nil` when the producer sent a null header value.
        public var value: [UInt8]?

        /// A header named `name` carrying `value`.
        public init(name: String, value: [UInt8]?) {
            self.name = name
            self.value = value
        }
    }

    /// Source topic.
    public var topic: String
    /// Source partition.
    public var partition: Int32
    /// Offset within the partition.
    public var offset: Int64
    /// Kafka timestamp in milliseconds since the Unix epoch, if the record has one.
    public var timestamp: Int64?
    /// Record key; `nil` when the record has none.
    public var key: [UInt8]?
    /// Record value; `nil` for a tombstone.
    public var value: [UInt8]?
    /// Record headers, in order.
    public var headers: [Header]
    /// What messages carry after the route decoded or shaped the record (`value.format`, `key.format`, `select`,
    /// `drop`); nil: the raw key and value, the value classified by content. `key` and `value` stay as consumed, so
    /// a dead letter is the record unchanged.
    public var carried: Carried?

    /// The key and value as messages carry them after decoding and shaping.
    public struct Carried: Sendable, Hashable {
        /// How the value is carried.
        public enum Value: Sendable, Hashable {
            /// As consumed, classified by content (JSON, text or base64).
            case raw
            /// This JSON text, as `j` (decoded, or shaped).
            case json([UInt8])
            /// The raw value as the string `s` (`format: text`).
            case text
            /// The raw value as base64 `b` (`format: bytes`).
            case bytes
        }

        /// The value's form.
        public var value: Value
        /// The key's text after decoding (a string's characters, any other JSON value as compact JSON text); nil:
        /// the raw key. What `{key}` and the `k` member use.
        public var key: [UInt8]?

        public init(value: Value = .raw, key: [UInt8]? = nil) {
            self.value = value
            self.key = key
        }
    }

    /// The key as `{key}` and the `k` member use it: decoded when the route decoded it, else as consumed.
    public var carriedKey: [UInt8]? { carried?.key ?? key }

    /// A record from `topic`/`partition` at `offset`.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        timestamp: Int64? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [Header] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
        self.carried = nil
    }

    /// The record's topic and partition.
    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }
}

/// A Kafka topic partition: the unit of ordering and of offset commits.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// Topic name.
    public var topic: String
    /// Partition number.
    public var partition: Int32

    /// The partition `partition` of `topic`.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic[partition]`, for logs.
    public var description: String { "\(topic)[\(partition)]" }
}
