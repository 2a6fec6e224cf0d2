import RelayCore

/// The parts of librdkafka's statistics JSON the relay uses: per-partition lag and offsets, and broker state.
public struct KafkaStatistics: Sendable, Equatable {
    /// Figures of one partition.
    public struct Partition: Sendable, Equatable {
        /// Messages between the consumer's position and the high watermark; nil when librdkafka does not know yet.
        public var consumerLag: Int64?
        /// The last committed offset; nil when none.
        public var committedOffset: Int64?
        /// The partition's high watermark; nil when unknown.
        public var highWatermark: Int64?
    }

    /// Figures per assigned partition.
    public var partitions: [TopicPartition: Partition]
    /// The connection state librdkafka reports for each broker it learned of, by node id (`UP`, `DOWN`, `INIT`,
    /// `CONNECT`...). librdkafka connects only to the brokers it needs (leaders, the coordinator), so a broker in
    /// `INIT` is merely unused.
    public var brokerStates: [Int32: String]

    /// Brokers librdkafka is connected to.
    public var brokersUp: Int { brokerStates.values.filter { $0 == "UP" }.count }

    /// Parses librdkafka's statistics JSON; nil when it is not the expected shape.
    public static func parse(_ json: [UInt8]) -> KafkaStatistics? {
        guard let root = try? JSONParser.parse(json), root.members != nil else { return nil }
        var partitions: [TopicPartition: Partition] = [:]
        for topic in root["topics"]?.members ?? [] {
            for entry in topic.value["partitions"]?.members ?? [] {
                guard let number = Int32(entry.key), number >= 0 else { continue }  // -1 is the internal UA partition
                let values = entry.value
                // librdkafka reports -1 (or -1001, "invalid") for unknown figures.
                func figure(_ key: String) -> Int64? {
                    guard case .number(let lexeme) = values[key], let value = Int64(lexeme), value >= 0 else {
                        return nil
                    }
                    return value
                }
                guard values["desired"] == .bool(true) || figure("committed_offset") != nil else { continue }
                partitions[TopicPartition(topic: topic.key, partition: number)] = Partition(
                    consumerLag: figure("consumer_lag"), committedOffset: figure("committed_offset"),
                    highWatermark: figure("hi_offset")
                )
            }
        }
        var states: [Int32: String] = [:]
        for broker in root["brokers"]?.members ?? [] {
            // Skip bootstrap placeholders (node -1) and logical entries such as "GroupCoordinator".
            guard broker.value["source"] != .string("logical"), broker.value["source"] != .string("internal"),
                case .number(let node) = broker.value["nodeid"], let id = Int32(node), id >= 0,
                case .string(let state) = broker.value["state"]
            else { continue }
            states[id] = state
        }
        return KafkaStatistics(partitions: partitions, brokerStates: states)
    }
}
