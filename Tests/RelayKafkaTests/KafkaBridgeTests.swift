import Testing

@testable import RelayKafka

@Suite("librdkafka bridge")
struct KafkaBridgeTests {
    @Test func reportsLinkedVersion() {
        let version = KafkaLibrary.version
        #expect(version.split(separator: ".").count >= 3, "unexpected librdkafka version \(version)")
        #expect(version.first?.isNumber == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func startsAndStopsAMockCluster() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        let brokers = cluster.bootstrapServers.split(separator: ",")
        #expect(brokers.count == 3)
        for broker in brokers {
            #expect(broker.hasPrefix("127.0.0.1:") || broker.hasPrefix("localhost:"), "\(broker) is not loopback")
        }
        try cluster.createTopic("bridge-test", partitions: 4)
    }

    @Test func aStaticMemberIsCreatedWithItsInstanceIdAndADynamicOneWithout() {
        let member = KafkaConsumerSettings(brokers: ["127.0.0.1:9092"], groupId: "g", topics: ["t"], instanceId: "r-1")
        #expect(member.librdkafkaProperties.filter { $0.name == "group.instance.id" }.map(\.value) == ["r-1"])
        let dynamic = KafkaConsumerSettings(brokers: ["127.0.0.1:9092"], groupId: "g", topics: ["t"])
        #expect(!dynamic.librdkafkaProperties.contains { $0.name == "group.instance.id" })
    }

    @Test func rejectsAClusterWithoutBrokers() {
        #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 0) }
    }
}
