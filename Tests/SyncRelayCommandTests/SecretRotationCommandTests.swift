import Foundation
import Logging
import RelayKafka
import RelaySync
import RelayTestSupport
import SyncEmulator
import Testing

/// `sync-relay run` rotating its Twilio API key secret on SIGHUP under load, between an in-process mock cluster and
/// the emulator: Twilio (the emulator) switches to the new secret first, the relay is refused and holds its records,
/// then reloads the rewritten secret file and delivers everything.
@Suite("sync-relay run rotates secrets on SIGHUP", .timeLimit(.minutes(3)))
struct SecretRotationCommandTests {
    static let logger = Logger(label: "rotation-tests") { _ in SwiftLogNoOpLogHandler() }
    static let keySID = "SK" + String(repeating: "5", count: 32)
    static let oldSecret = "old-api-key-secret"
    static let newSecret = "new-api-key-secret"

    /// The relay's file: an API key whose secret is read from `secretFile`, one record per message at 20/s.
    static func document(cluster: KafkaMockCluster, emulator: RunningSyncEmulator, secretFile: String) -> String {
        let settings = SyncEmulatorConfiguration()
        return """
            {
              "kafka": {"brokers": ["\(cluster.bootstrapServers)"], "groupId": "rotation-tests", "topics": ["orders"],
                        "startFrom": "earliest", "properties": {"session.timeout.ms": "6000", "heartbeat.interval.ms": "250"},
                        "commitInterval": "100ms", "rebalanceDrainDeadline": "5s"},
              "twilio": {"accountSid": "\(settings.accountSID)", "apiKeySid": "\(keySID)", "apiKeySecretFile": "\(secretFile)",
                         "serviceSid": "\(settings.serviceSID)", "baseURL": "\(emulator.baseURL)", "requestTimeout": "5s"},
              "defaults": {"rate": 20, "maxRecordsPerMessage": 1, "retry": {"authRetryInterval": "1s"}},
              "metrics": {"listen": "127.0.0.1:0"},
              "log": {"level": "info", "format": "json"},
              "shutdown": {"drainDeadline": "5s"}
            }
            """
    }

    static func key(_ secret: String) -> SyncEmulatorConfiguration.Credential {
        SyncEmulatorConfiguration.Credential(username: keySID, password: secret)
    }

    @Test func aRotatedAPIKeySecretFileIsAppliedLiveUnderLoadLosingNothing() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning { running in
            let emulator = running.emulator
            emulator.replaceCredentials([Self.key(Self.oldSecret)])
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let secretFile = folder.appendingPathComponent("twilio-api-key-secret")
            try (Self.oldSecret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
            let config = folder.appendingPathComponent("config.json")
            try Self.document(cluster: cluster, emulator: running, secretFile: secretFile.path)
                .write(to: config, atomically: true, encoding: .utf8)

            try await RelayProcessRig.produce(producer, "orders", 0..<200)
            let relay = try RelayProcessRig.startRelay(config: config.path)
            await eventually("the backlog flows with the old secret", timeout: .seconds(60)) {
                RelayProcessRig.delivered(emulator, "orders").count >= 30
            }
            let port = try #require(ReloadCommandTests.metricsPort(relay))
            func scrape(_ path: String) async throws -> HTTPClientResponse {
                try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
            }
            #expect(try await scrape("/readyz").status == 200)

            // Twilio switches to the new key secret before the relay knows it: publishes in flight and next are
            // refused (401, 20003), the records are held, and readiness says so.
            try (Self.newSecret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
            emulator.replaceCredentials([Self.key(Self.newSecret)])
            var readiness = 200
            for _ in 0..<500 where readiness == 200 {
                readiness = try await scrape("/readyz").status
                if readiness == 200 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(readiness == 503, "not ready while Twilio refuses the old secret")
            #expect(emulator.stats().rejections[20003, default: 0] >= 1)
            let heldAt = RelayProcessRig.delivered(emulator, "orders").count

            kill(relay.process.processIdentifier, SIGHUP)
            await eventually("the rotation is applied") {
                ReloadCommandTests.count("relay.reload.applied", in: relay) == 1
            }
            #expect(relay.standardOutput.contains("\"relay.rotated\":\"twilio.apiKeySecret\""))
            #expect(!relay.standardOutput.contains("\"relay.keys\""), "nothing but the secret changed")
            try await RelayProcessRig.produce(producer, "orders", 200..<250)
            await eventually("every record arrived with the new secret", timeout: .seconds(90)) {
                Set(RelayProcessRig.delivered(emulator, "orders")) == Set(0..<250)
            }
            #expect(RelayProcessRig.delivered(emulator, "orders").count > heldAt)
            var ready = false
            for _ in 0..<500 where !ready {
                ready = try await scrape("/readyz").status == 200
                if !ready { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(ready, "ready again once the new secret is accepted")
            let metrics = try PrometheusTextLines(try await scrape("/metrics").bodyText)
            #expect(metrics.value("sync_relay_config_reloads_total", ["result": "applied"]) == 1)
            #expect(metrics.value("sync_relay_config_last_reload_success") == 1)

            kill(relay.process.processIdentifier, SIGTERM)
            let output = await relay.exit()
            #expect(output.status == 0, "\(output.all.suffix(2000))")
            // Nothing lost; a publish refused with the old secret was sent again (at-least-once allows repeats).
            let delivered = RelayProcessRig.delivered(emulator, "orders")
            #expect(Set(delivered) == Set(0..<250))
            print("rotation: \(delivered.count - 250) duplicates, \(emulator.stats().rejections[20003] ?? 0) refusals")
            #expect(!output.all.contains(Self.oldSecret) && !output.all.contains(Self.newSecret), "no secret logged")
        }
        await http.shutdown()
        await producer.close()
    }
}
