import RelayCore

/// `ConsumerStatistics` read from librdkafka's statistics JSON.
extension ConsumerStatistics {
    /// Parses librdkafka's statistics JSON; nil when it is not the expected shape.
    public static func parse(_ json: [UInt8]) -> ConsumerStatistics? {
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
        return ConsumerStatistics(partitions: partitions, brokerStates: states)
    }
}
