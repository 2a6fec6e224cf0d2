import Foundation
import RelayCore
import RelayKafka
import RelayRuntime
import SyncEmulator
import Testing

/// A reload that rotates Twilio's or the Schema Registry's secret, in process: the running relay's next requests
/// carry the new one, and a relay that was refused (not ready, records held) becomes ready again with it and
/// delivers what it held.
@Suite("End to end: secret rotation", .timeLimit(.minutes(2)))
struct SecretRotationEndToEndTests {
    @Test func aRotatedAuthTokenMakesARefusedRelayReadyAgainAndLosesNothing() async throws {
        try await RelayHarness.with(topics: [("audit", 1)]) { harness in
            let retry = [JSONMember("retry", .object([JSONMember("authRetryInterval", "1s")]))]
            let configuration = try harness.configuration(topics: ["audit"], defaults: retry)
            let rotated = try harness.configuration(
                topics: ["audit"], defaults: retry, twilio: [JSONMember("authToken", "rotated-token")])
            let health = HealthState()
            let emulator = harness.emulator.emulator
            let account = SyncEmulatorConfiguration.defaultAccountSID
            try await harness.runRelay(configuration, health: health) { application in
                try await harness.produce("audit", count: 5, partition: 0)
                await eventually("ready") { health.snapshot.isReady }
                await eventually("the first records arrived") { harness.deliveredNumbers("audit").count >= 5 }

                // The token is rotated at Twilio before the relay is told: it is refused, holds and retries.
                emulator.replaceCredentials([.init(username: account, password: "rotated-token")])
                try await harness.produce("audit", count: 5, start: 5, partition: 0)
                await eventually("not ready while Twilio refuses the old token") {
                    health.snapshot.problems[.twilio] != nil
                }
                let changes = try application.reload(rotated)
                #expect(changes.rotated == ["twilio.authToken"])
                #expect(changes.live.isEmpty && changes.refused.isEmpty)
                await eventually("ready again with the new token") { health.snapshot.isReady }
                await eventually("the held records arrived") { harness.deliveredNumbers("audit").count >= 10 }
                try await harness.produce("audit", count: 5, start: 10, partition: 0)
                await eventually("new records arrive with the new token") {
                    harness.deliveredNumbers("audit").count >= 15
                }
                // Rotated once: the same file again changes nothing.
                #expect(try application.reload(rotated).isEmpty)
            }
            #expect(Set(harness.deliveredNumbers("audit")) == Set(0..<15))
            #expect(emulator.stats().rejections[20003, default: 0] >= 1, "the old token was refused")
        }
    }

    @Test func aRotatedRegistryPasswordLetsHeldRecordsDecode() async throws {
        let registry = RegistryEmulator(credentials: ("relay", "new-password"))
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let id = UInt32(registry.register(subject: "secure-value", text: #""string""#))
            try await RelayHarness.with(topics: [("secure", 1)]) { harness in
                var configuration = try harness.configuration(topics: ["secure"])
                configuration.schemaRegistry = SchemaRegistryConfiguration(
                    url: url, username: "relay", password: SecretText("old-password"), timeout: .seconds(2),
                    unreadyAfter: .seconds(1))
                let rotated = {
                    var rotated = configuration
                    rotated.schemaRegistry?.password = SecretText("new-password")
                    return rotated
                }()
                // The Confluent frame of the Avro string "hi": magic 0, the schema id, then length 2 (zigzag 4).
                let frame: [UInt8] =
                    [0] + withUnsafeBytes(of: id.bigEndian, Array.init) + [4] + Array("hi".utf8)
                try await harness.producer.send([
                    KafkaProducer.OutgoingRecord(topic: "secure", partition: 0, key: nil, value: frame)
                ])
                let health = HealthState()
                try await harness.runRelay(configuration, health: health) { application in
                    await eventually("the refused password shows in readiness", timeout: .seconds(20)) {
                        health.snapshot.problems[.schemaRegistry] != nil
                    }
                    #expect(harness.emulator.emulator.messages(stream: "secure").isEmpty, "the record waits")
                    let changes = try application.reload(rotated)
                    #expect(changes.rotated == ["schemaRegistry.password"])
                    await eventually("the held record arrives decoded", timeout: .seconds(60)) {
                        harness.emulator.emulator.messages(stream: "secure").contains { $0.data.contains("\"hi\"") }
                    }
                    await eventually("ready again", timeout: .seconds(20)) {
                        health.snapshot.problems[.schemaRegistry] == nil
                    }
                }
            }
        }
    }
}
