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
        (["twilio", "authToken"], "another-token", "twilio.auth"),
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
}
