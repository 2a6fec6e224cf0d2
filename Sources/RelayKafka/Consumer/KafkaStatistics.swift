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
    /// Brokers librdkafka is connected to (state `UP`).
    public var brokersUp: Int
    /// Brokers librdkafka knows of (bootstrap placeholders excluded).
    public var brokersKnown: Int

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
                    guard case .number(let lexeme) = values[key], let value = Int64(lexeme), value >= 0 else { return nil }
                    return value
                }
                guard values["desired"] == .bool(true) || figure("committed_offset") != nil else { continue }
                partitions[TopicPartition(topic: topic.key, partition: number)] = Partition(
                    consumerLag: figure("consumer_lag"), committedOffset: figure("committed_offset"),
                    highWatermark: figure("hi_offset")
                )
            }
        }
        var up = 0
        var known = 0
        for broker in root["brokers"]?.members ?? [] {
            guard case .number(let node) = broker.value["nodeid"], let id = Int(node), id >= 0 else { continue }
            known += 1
            if broker.value["state"] == .string("UP") { up += 1 }
        }
        return KafkaStatistics(partitions: partitions, brokersUp: up, brokersKnown: known)
    }
}
