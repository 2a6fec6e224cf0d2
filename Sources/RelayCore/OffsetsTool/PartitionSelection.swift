/// Which partitions a command works on: the configuration's topic selectors resolved against the cluster's topics,
/// narrowed by `--topic` and `--partition`. Pure; every refusal is one line for the operator.
public enum PartitionSelection {
    /// The partitions of the topics in `cluster` (name → partition count) that `selectors` select, in topic and
    /// partition order, narrowed to `topic` and `partition` when given.
    public static func select(
        selectors: [TopicSelector], cluster: [String: Int], topic: String? = nil, partition: Int32? = nil
    ) throws(OffsetsToolError) -> [TopicPartition] {
        let configured = selectors.map(\.description).joined(separator: ", ")
        var topics = cluster.keys.filter { name in selectors.contains { $0.matches(name) } }.sorted()
        if let topic {
            guard selectors.contains(where: { $0.matches(topic) }) else {
                throw OffsetsToolError(.badInput, "topic \(topic) is not one of kafka.topics (\(configured))")
            }
            guard cluster[topic] != nil else {
                throw OffsetsToolError(.badInput, "topic \(topic) does not exist in the cluster")
            }
            topics = [topic]
        }
        guard !topics.isEmpty else {
            throw OffsetsToolError(.badInput, "no topic in the cluster matches kafka.topics (\(configured))")
        }
        var selected: [TopicPartition] = []
        for name in topics {
            let count = cluster[name] ?? 0
            if let partition {
                guard partition >= 0, Int(partition) < count else {
                    throw OffsetsToolError(
                        .badInput,
                        "partition \(partition) is out of range: \(name) has \(count) partition\(count == 1 ? "" : "s")"
                            + " (0-\(count - 1))")
                }
                selected.append(TopicPartition(topic: name, partition: partition))
            } else {
                selected += (0..<count).map { TopicPartition(topic: name, partition: Int32($0)) }
            }
        }
        return selected
    }
}
