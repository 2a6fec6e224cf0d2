import RelayCore
import Testing

@Suite struct OffsetsToolSelectionTests {
    let cluster = ["orders": 3, "orders-eu": 2, "payments": 1, "__consumer_offsets": 50]

    @Test func resolvesNamesAndPatternsAgainstTheCluster() throws {
        let selected = try PartitionSelection.select(
            selectors: [TopicSelector("^orders.*"), TopicSelector("payments")], cluster: cluster)
        #expect(
            selected.map(\.description) == [
                "orders[0]", "orders[1]", "orders[2]", "orders-eu[0]", "orders-eu[1]", "payments[0]",
            ])
    }

    @Test func narrowsToATopicAndAPartition() throws {
        let selectors = [TopicSelector("^orders.*")]
        #expect(try PartitionSelection.select(selectors: selectors, cluster: cluster, topic: "orders-eu").count == 2)
        #expect(
            try PartitionSelection.select(selectors: selectors, cluster: cluster, topic: "orders", partition: 2) == [
                TopicPartition(topic: "orders", partition: 2)
            ])
        #expect(
            try PartitionSelection.select(selectors: selectors, cluster: cluster, partition: 1).map(\.description) == [
                "orders[1]", "orders-eu[1]",
            ])
    }

    @Test func refusesUnknownTopicsAndPartitionsOutOfRange() {
        let selectors = [TopicSelector("orders"), TopicSelector("missing")]
        #expect(
            reason { try PartitionSelection.select(selectors: selectors, cluster: cluster, topic: "payments") }
                == "topic payments is not one of kafka.topics (orders, missing)")
        #expect(
            reason { try PartitionSelection.select(selectors: selectors, cluster: cluster, topic: "missing") }
                == "topic missing does not exist in the cluster")
        #expect(
            reason { try PartitionSelection.select(selectors: selectors, cluster: cluster, partition: 3) }
                == "partition 3 is out of range: orders has 3 partitions (0-2)")
        #expect(
            reason { try PartitionSelection.select(selectors: selectors, cluster: cluster, partition: -1) }
                == "partition -1 is out of range: orders has 3 partitions (0-2)")
        #expect(
            reason { try PartitionSelection.select(selectors: [TopicSelector("^nope")], cluster: cluster) }
                == "no topic in the cluster matches kafka.topics (^nope)")
    }

    private func reason(_ body: () throws -> [TopicPartition]) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            let error = error as? OffsetsToolError
            #expect(error?.code == .badInput)
            return error?.reason
        }
    }
}
