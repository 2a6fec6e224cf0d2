import Foundation
import RelayCore
import Testing

/// What a reload may change live (`ConfigurationReload`).
@Suite("Configuration reload")
struct ConfigurationReloadTests {
    func load(_ document: JSONValue) throws -> RelayConfiguration {
        try loadConfiguration(document, environment: ["KAFKA_SASL_PASSWORD": "pw"]).get()
    }

    @Test func routesRatesTopicsAndTheLogLevelChangeLive() throws {
        let old = try load(minimalConfiguration)
        let new = try load(
            minimalConfiguration
                .setting(["kafka", "topics"], to: ["orders", "^invoices-.+"])
                .setting(["defaults", "rate"], to: 10)
                .setting(["routes"], to: [.object([JSONMember("topic", "orders"), JSONMember("rate", 5)])])
                .setting(["log", "level"], to: "debug"))
        let changes = ConfigurationReload(from: old, to: new)
        #expect(changes.isAllowed)
        #expect(changes.live == ["kafka.topics", "defaults", "routes", "log.level"])
        #expect(changes.refused.isEmpty)
        #expect(ConfigurationReload(from: old, to: old).isEmpty)
    }

    static let fixed: [(key: [String], value: JSONValue, name: String)] = [
        (["kafka", "brokers"], ["10.0.0.9:9092"], "kafka.brokers"),
        (["kafka", "groupId"], "other-group", "kafka.groupId"),
        (["kafka", "instanceId"], "relay-9", "kafka.instanceId"),
        (["kafka", "startFrom"], "latest", "kafka.startFrom"),
        (["kafka", "properties"], .object([JSONMember("fetch.max.bytes", "1048576")]), "kafka.properties"),
        (["kafka", "commitInterval"], "1s", "kafka.commitInterval"),
        (["kafka", "deadLetterTopic"], "dead-letters", "kafka.deadLetterTopic"),
        (["kafka", "rebalanceDrainDeadline"], "5s", "kafka.rebalanceDrainDeadline"),
        (["kafka", "statisticsInterval"], "30s", "kafka.statisticsInterval"),
        (["twilio", "accountSid"], "AC00000000000000000000000000000001", "twilio.accountSid"),
        (["twilio", "baseURL"], "https://sync.example.com", "twilio.baseURL"),
        (["metrics", "enabled"], false, "metrics.enabled"),
        (["twilio", "serviceSid"], "IS00000000000000000000000000000001", "twilio.serviceSid"),
        (["twilio", "requestTimeout"], "3s", "twilio.requestTimeout"),
        (["twilio", "accountConcurrencyLimit"], 100, "twilio.accountConcurrencyLimit"),
        (["metrics", "listen"], "127.0.0.1:9999", "metrics.listen"),
        (["log", "format"], "json", "log.format"),
        (["shutdown", "drainDeadline"], "5s", "shutdown.drainDeadline"),
    ]

    @Test func whatCannotChangeLiveIsRefusedByName() throws {
        let old = try load(minimalConfiguration)
        for (key, value, name) in Self.fixed {
            let changes = ConfigurationReload(
                from: old, to: try load(minimalConfiguration.setting(key.map(PathStep.key), to: value)))
            #expect(!changes.isAllowed, "\(name)")
            #expect(changes.refused == [name], "\(name): \(changes.refused)")
        }
        // Mixed: refused whole, each fixed key named, the live ones listed too.
        let mixed = ConfigurationReload(
            from: old,
            to: try load(
                minimalConfiguration.setting(["defaults", "rate"], to: 10).setting(["kafka", "groupId"], to: "g2")
                    .setting(["metrics", "listen"], to: "127.0.0.1:9998")))
        #expect(mixed.refused == ["kafka.groupId", "metrics.listen"])
        #expect(mixed.live == ["defaults"])
        #expect(!mixed.isAllowed)
    }

    // MARK: Rotated credentials

    static let registry: JSONValue = .object([
        JSONMember("url", "http://registry:8081"), JSONMember("username", "relay"), JSONMember("password", "pw-1"),
    ])

    /// A file holding `text`, in a fresh temporary folder.
    static func secretFile(_ text: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func withAPIKey(_ sid: String = "SK00000000000000000000000000000001", secret: (String, JSONValue)) -> JSONValue {
        minimalConfiguration.setting(["twilio", "authToken"], to: nil).setting(
            ["twilio", "apiKeySid"], to: .string(sid)
        )
        .setting([.key("twilio"), .key(secret.0)], to: secret.1)
    }

    @Test func aSecretFileRewrittenInPlaceRotatesOnTheNextLoad() throws {
        let file = try Self.secretFile("secret-1\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let document = withAPIKey(secret: ("apiKeySecretFile", .string(file.path)))
        let old = try load(document)
        #expect(ConfigurationReload(from: old, to: try load(document)).isEmpty, "the same file, the same secret")
        try "secret-2\n".write(to: file, atomically: true, encoding: .utf8)
        let changes = ConfigurationReload(from: old, to: try load(document))
        #expect(changes.rotated == ["twilio.apiKeySecret"])
        #expect(changes.live.isEmpty && changes.refused.isEmpty && changes.isAllowed && !changes.isEmpty)
        #expect(!"\(changes)".contains("secret-2"), "a reload's report names keys, never values")

        let token = try Self.secretFile("token-1")
        defer { try? FileManager.default.removeItem(at: token) }
        let byFile = minimalConfiguration.setting(["twilio", "authToken"], to: nil)
            .setting(["twilio", "authTokenFile"], to: .string(token.path))
        let before = try load(byFile)
        try "token-2".write(to: token, atomically: true, encoding: .utf8)
        #expect(ConfigurationReload(from: before, to: try load(byFile)).rotated == ["twilio.authToken"])
    }

    @Test func inlineSecretsAndTheirVariablesRotate() throws {
        let old = try load(minimalConfiguration)
        let inline = ConfigurationReload(
            from: old, to: try load(minimalConfiguration.setting(["twilio", "authToken"], to: "another-token")))
        #expect(inline.rotated == ["twilio.authToken"] && inline.isAllowed)

        let document = withAPIKey(secret: ("apiKeySecret", "${TWILIO_API_SECRET}"))
        let environment = ["KAFKA_SASL_PASSWORD": "pw", "TWILIO_API_SECRET": "s-1"]
        let before = try loadConfiguration(document, environment: environment).get()
        var rotatedEnvironment = environment
        rotatedEnvironment["TWILIO_API_SECRET"] = "s-2"
        let after = try loadConfiguration(document, environment: rotatedEnvironment).get()
        #expect(ConfigurationReload(from: before, to: after).rotated == ["twilio.apiKeySecret"])

        // A new key: its SID and secret together, from the same reload.
        let newKey = ConfigurationReload(
            from: before,
            to: try loadConfiguration(
                withAPIKey("SK00000000000000000000000000000002", secret: ("apiKeySecret", "${TWILIO_API_SECRET}")),
                environment: rotatedEnvironment
            ).get())
        #expect(newKey.rotated == ["twilio.apiKeySid", "twilio.apiKeySecret"])
        // From the auth token to an API key: a rotation of the basic credentials of the same account.
        #expect(ConfigurationReload(from: old, to: before).rotated.count == 3)
    }

    @Test func theRegistrysCredentialsRotateAndItsAddressIsRefused() throws {
        let file = try Self.secretFile("pw-2")
        defer { try? FileManager.default.removeItem(at: file) }
        let old = try load(minimalConfiguration.setting(["schemaRegistry"], to: Self.registry))
        func changes(_ step: String, _ value: JSONValue?) throws -> ConfigurationReload {
            ConfigurationReload(
                from: old,
                to: try load(
                    minimalConfiguration.setting(["schemaRegistry"], to: Self.registry)
                        .setting([.key("schemaRegistry"), .key(step)], to: value)))
        }
        #expect(try changes("password", "pw-3").rotated == ["schemaRegistry.password"])
        let fromFile = try load(
            minimalConfiguration.setting(["schemaRegistry"], to: Self.registry)
                .setting(["schemaRegistry", "password"], to: nil)
                .setting(["schemaRegistry", "passwordFile"], to: .string(file.path)))
        #expect(ConfigurationReload(from: old, to: fromFile).rotated == ["schemaRegistry.password"])
        #expect(try changes("username", "relay-2").rotated == ["schemaRegistry.username"])
        let url = try changes("url", "http://elsewhere:8081")
        #expect(url.refused == ["schemaRegistry.url"] && url.rotated.isEmpty)

        let bearer = JSONValue.object([
            JSONMember("url", "http://registry:8081"), JSONMember("token", "${REGISTRY_TOKEN}"),
        ])
        let withToken = try loadConfiguration(
            minimalConfiguration.setting(["schemaRegistry"], to: bearer),
            environment: ["REGISTRY_TOKEN": "t-1"]
        ).get()
        let rotatedToken = try loadConfiguration(
            minimalConfiguration.setting(["schemaRegistry"], to: bearer),
            environment: ["REGISTRY_TOKEN": "t-2"]
        ).get()
        #expect(ConfigurationReload(from: withToken, to: rotatedToken).rotated == ["schemaRegistry.token"])
        // Added or removed: refused, as the decoder is built at start.
        #expect(ConfigurationReload(from: try load(minimalConfiguration), to: old).refused == ["schemaRegistry"])
    }

    @Test func aRotationBesideARefusedChangeIsRefusedWhole() throws {
        // Kafka's SASL password (and TLS files) are librdkafka's, read when the consumer starts: a restart applies
        // them, so a rotated one is refused, and the Twilio secret rotated in the same reload with it.
        let sasl: JSONValue = .object([
            JSONMember("security.protocol", "SASL_SSL"), JSONMember("sasl.mechanisms", "PLAIN"),
            JSONMember("sasl.username", "relay"), JSONMember("sasl.password", "${KAFKA_SASL_PASSWORD}"),
        ])
        let document = minimalConfiguration.setting(["kafka", "properties"], to: sasl)
        let old = try loadConfiguration(document, environment: ["KAFKA_SASL_PASSWORD": "pw-1"]).get()
        let mixed = ConfigurationReload(
            from: old,
            to: try loadConfiguration(
                document.setting(["twilio", "authToken"], to: "rotated-token")
                    .setting(["twilio", "serviceSid"], to: "IS00000000000000000000000000000001"),
                environment: ["KAFKA_SASL_PASSWORD": "pw-2"]
            ).get())
        #expect(!mixed.isAllowed)
        #expect(mixed.rotated == ["twilio.authToken"])
        #expect(mixed.refused == ["kafka.properties", "twilio.serviceSid"])
    }
}
