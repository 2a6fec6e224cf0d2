import Foundation
import Logging
import RelayKafka
import RelayTestSupport
import SyncEmulator
import Testing

/// `sync-relay run` as a separate process, between an in-process mock cluster and emulator.
@Suite("sync-relay run as a process", .timeLimit(.minutes(3)))
struct RunCommandTests {
    static let logger = Logger(label: "run-tests") { _ in SwiftLogNoOpLogHandler() }

    @Test func killedHardAndRestartedItLosesNothing() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        try await SyncEmulatorServer.withRunning { running in
            let config = try RelayProcessRig.configFile(cluster: cluster, emulator: running, topics: ["orders"])
            try await RelayProcessRig.produce(producer, "orders", 0..<3000)
            let first = try RelayProcessRig.startRelay(config: config)
            await eventually("some records arrived", timeout: .seconds(60)) {
                !RelayProcessRig.delivered(running.emulator, "orders").isEmpty
            }
            kill(first.process.processIdentifier, SIGKILL)
            let killed = await first.exit()
            #expect(killed.status == SIGKILL)
            try await RelayProcessRig.produce(producer, "orders", 3000..<3500)

            let second = try RelayProcessRig.startRelay(config: config)
            await eventually("every record arrived after the restart", timeout: .seconds(60)) {
                Set(RelayProcessRig.delivered(running.emulator, "orders")).count == 3500
            }
            kill(second.process.processIdentifier, SIGTERM)
            let stopped = await second.exit()
            #expect(stopped.status == 0, "\(stopped.standardError.suffix(2000))")
            let all = RelayProcessRig.delivered(running.emulator, "orders")
            #expect(Set(all) == Set(0..<3500))
            // Duplicates are allowed after a hard kill (at-least-once); gaps are not.
            print("kill and restart: \(all.count) records delivered for 3500 produced, \(all.count - 3500) duplicates")
            // The restarted relay finds its stream already there (409, 54301: fine); nothing else was refused.
            #expect(running.emulator.stats().rejections.filter { $0.key != 54301 }.isEmpty)
        }
        await producer.close()
    }

    @Test func sigtermDrainsCommitsAndExitsZero() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        try await SyncEmulatorServer.withRunning { running in
            let config = try RelayProcessRig.configFile(cluster: cluster, emulator: running, topics: ["events"])
            try await RelayProcessRig.produce(producer, "events", 0..<500)
            let first = try RelayProcessRig.startRelay(config: config)
            await eventually("every record arrived", timeout: .seconds(60)) {
                RelayProcessRig.delivered(running.emulator, "events").count == 500
            }
            // The log is JSON lines on standard output; the metrics port is in one of them.
            kill(first.process.processIdentifier, SIGTERM)
            let output = await first.exit()
            #expect(output.status == 0)
            #expect(output.standardOutput.contains("relay.drained"))
            #expect(!output.all.contains(SyncEmulatorConfiguration.defaultAuthToken))

            // Committed on the way out: a new run publishes only what is new.
            try await RelayProcessRig.produce(producer, "events", 500..<510)
            let second = try RelayProcessRig.startRelay(config: config)
            await eventually("the new records arrived", timeout: .seconds(60)) {
                RelayProcessRig.delivered(running.emulator, "events").count >= 510
            }
            kill(second.process.processIdentifier, SIGTERM)
            _ = await second.exit()
            #expect(RelayProcessRig.delivered(running.emulator, "events") == Array(0..<510))
        }
        await producer.close()
    }

    /// Regression: the service group's signal sources and ours raced, and on Linux a `signal(SIG_IGN)` that ran
    /// after libdispatch installed its handler made the kernel discard SIGTERM; the relay never stopped. Several
    /// relays, each signalled as soon as it is up, must all stop gracefully.
    @Test func everySigtermStopsTheRelay() async throws {
        let document = """
            {"kafka": {"brokers": ["127.0.0.1:1"], "topics": ["orders"]},
             "twilio": {"accountSid": "AC00000000000000000000000000000000", "authToken": "${TWILIO_AUTH_TOKEN}",
                        "serviceSid": "IS00000000000000000000000000000000", "baseURL": "http://127.0.0.1:1"},
             "metrics": {"listen": "127.0.0.1:0"}, "log": {"format": "json"}, "shutdown": {"drainDeadline": "2s"}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigterm-\(UUID().uuidString).json")
        try document.write(to: file, atomically: true, encoding: .utf8)
        let environment = ["TWILIO_AUTH_TOKEN": "not-a-real-token"]
        let children = try (0..<6).map { _ in
            try CommandRunner.start(["run", "--config", file.path], environment: environment)
        }
        for child in children {
            await eventually("the relay is up", timeout: .seconds(60)) {
                child.standardOutput.contains("metrics.listening")
            }
            kill(child.process.processIdentifier, SIGTERM)
        }
        for child in children {
            let output = await child.exit(within: .seconds(60))
            #expect(output.status == 0, "\(output.all.suffix(1500))")
            #expect(output.standardOutput.contains("relay.shutdown.requested"))
        }
    }

    /// A static member whose `kafka.instanceId` another relay joined with is fenced by the group: it stops with 78
    /// (which the unit does not restart, so the two do not take the partitions from each other forever) and says
    /// why. What it had not committed is consumed again by the member that holds the id now.
    @Test func aFencedStaticMemberExits78AndSaysWhy() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        try await SyncEmulatorServer.withRunning { running in
            let config = try RelayProcessRig.configFile(
                cluster: cluster, emulator: running, topics: ["orders"], groupId: "fenced", instanceId: "relay-a")
            try await RelayProcessRig.produce(producer, "orders", 0..<20)
            let relay = try RelayProcessRig.startRelay(config: config)
            await eventually("the records arrived", timeout: .seconds(60)) {
                RelayProcessRig.delivered(running.emulator, "orders").count == 20
            }
            #expect(relay.standardOutput.contains("\"kafka.instance_id\":\"relay-a\""))
            // What the coordinator answers a member whose id a newer member joined with (librdkafka's mock cluster
            // does not implement static membership, so it never fences by itself).
            cluster.pushRequestErrors(apiKey: 12, errors: [82])  // Heartbeat: FENCED_INSTANCE_ID
            let output = await relay.exit(within: .seconds(60))
            #expect(output.status == 78, "\(output.all.suffix(2000))")
            #expect(output.standardOutput.contains("relay.kafka.fenced"))
            #expect(output.standardOutput.contains("give each relay its own id"))
        }
        await producer.close()
    }

    @Test func aBrokenConfigurationExits78BeforeConnecting() async throws {
        let output = try await CommandRunner.run(["run", "--config", "/nonexistent/config.json"])
        #expect(output.status == 78)
        #expect(output.standardError.contains("no such file"))
    }
}
