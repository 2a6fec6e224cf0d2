import Foundation
import RelayCore
import RelayTestSupport
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

    /// Debian's librdkafka takes every property of the authentication examples (SCRAM, PLAIN, OIDC, mTLS): the
    /// names exist in 2.0.2 and the values are ones it supports.
    @Test func librdkafkaTakesTheAuthenticationExamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        // Real PEM material: validating creates a consumer, which loads the TLS files.
        for (file, text) in [
            ("twilio-auth-token", "token\n"), ("kafka-ca.pem", TLSFixture.certificatePEM),
            ("kafka-client.pem", TLSFixture.certificatePEM), ("kafka-client.key", TLSFixture.privateKeyPEM),
        ] {
            try text.write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let loader = ConfigurationLoader(
            environment: [
                "CREDENTIALS_DIRECTORY": secrets.path, "KAFKA_SASL_PASSWORD": "p", "KAFKA_API_KEY": "k",
                "KAFKA_API_SECRET": "s", "KAFKA_OIDC_CLIENT_SECRET": "c",
            ], hostName: "relay-host-1")
        for file in ["kafka-sasl-scram.json", "kafka-sasl-plain.json", "kafka-mtls.json"] {
            let configuration = try loader.load(path: root.appendingPathComponent("docs/examples/\(file)").path)
            #expect(throws: Never.self, "\(file)") { try KafkaConsumerSettings(configuration.kafka).validate() }
        }
        // OIDC needs a librdkafka built with it: Debian 12's is not, and the check says so, naming the property.
        let oidc = try loader.load(path: root.appendingPathComponent("docs/examples/kafka-oidc.json").path)
        let features = KafkaLibrary.builtinFeatures
        #expect(features.isSuperset(of: ["ssl", "sasl_plain", "sasl_scram", "sasl_oauthbearer"]), "\(features)")
        if features.contains("oidc") {
            #expect(throws: Never.self) { try KafkaConsumerSettings(oidc.kafka).validate() }
        } else {
            let refusal = #expect(throws: KafkaError.self) { try KafkaConsumerSettings(oidc.kafka).validate() }
            #expect(refusal?.reason.contains("sasl.oauthbearer") == true, "\(String(describing: refusal))")
            #expect(refusal?.reason.contains("not supported in this build") == true)
        }
    }

    /// Validation creates a consumer (without connecting), so it catches what only librdkafka's client creation
    /// checks: properties that contradict each other, and TLS files that are there but do not parse.
    @Test func validationCatchesWhatOnlyCreatingAClientChecks() throws {
        let contradicting = KafkaConsumerSettings(
            brokers: ["127.0.0.1:9092"], groupId: "g", topics: ["t"],
            properties: [("session.timeout.ms", "400000"), ("max.poll.interval.ms", "300000")])
        let refusal = #expect(throws: KafkaError.self) { try contradicting.validate() }
        #expect(refusal?.reason.contains("max.poll.interval.ms") == true, "\(String(describing: refusal))")

        let key = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-key-\(UUID().uuidString).pem")
        try "not a key\n".write(to: key, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: key) }
        let certificate = try TLSFixture.writeCertificate()
        let garbled = KafkaConsumerSettings(
            brokers: ["127.0.0.1:9092"], groupId: "g", topics: ["t"],
            properties: [
                ("security.protocol", "ssl"), ("ssl.certificate.location", certificate),
                ("ssl.key.location", key.path),
            ])
        let unreadable = #expect(throws: KafkaError.self) { try garbled.validate() }
        #expect(unreadable?.reason.contains("ssl.key.location") == true, "\(String(describing: unreadable))")
        #expect(throws: Never.self) {
            try KafkaConsumerSettings(brokers: ["127.0.0.1:9092"], groupId: "g", topics: ["t"]).validate()
        }
    }

    @Test func rejectsAClusterWithoutBrokers() {
        #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 0) }
    }
}
