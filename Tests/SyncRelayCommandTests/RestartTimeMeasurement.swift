import Foundation
import Logging
import RelayKafka
import RelayTestSupport
import SyncEmulator
import Testing

/// A measurement, not a test (run on demand; it takes about two minutes and prints figures): how long after a
/// SIGKILL a restarted relay gets its first message accepted again, with librdkafka's default
/// `session.timeout.ms` (45 s) and a short one (6 s), as a dynamic and as a static member.
///
/// `SYNC_RELAY_MEASURE_RESTART=1 swift test --filter RestartTimeMeasurement`
///
/// On librdkafka 2.0.2's mock cluster the static runs show what a dynamic member gets: the mock reads the
/// JoinGroup's instance id and ignores it, so it always waits for the killed member's session to expire. The
/// figure a static member gets from a real broker (2.3 or later) is the restart and one JoinGroup/SyncGroup round
/// trip; see docs/operations.md.
@Suite("Restart time after SIGKILL (measurement)", .serialized)
struct RestartTimeMeasurement {
    static let logger = Logger(label: "restart-measurement") { _ in SwiftLogNoOpLogHandler() }

    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["SYNC_RELAY_MEASURE_RESTART"] != nil),
        arguments: [(45_000, false), (45_000, true), (6_000, false), (6_000, true)])
    func timeToTheFirstAcceptedMessageAfterAKill(sessionTimeoutMs: Int, isStatic: Bool) async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        let seconds = try await Self.restartTime(
            brokers: cluster.bootstrapServers, sessionTimeoutMs: sessionTimeoutMs, isStatic: isStatic)
        print(
            "restart after SIGKILL (mock cluster): session.timeout.ms \(sessionTimeoutMs), \(isStatic ? "static" : "dynamic") member: first accepted message \(String(format: "%.1f", seconds)) s after the kill"
        )
    }

    /// The same against Tansu, a broker that implements static membership (KIP-345), at the 30 s session the
    /// figures in docs/operations.md use.
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["SYNC_RELAY_MEASURE_RESTART"] != nil),
        arguments: [false, true])
    func onTansu(isStatic: Bool) async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("orders", partitions: 2)
            let seconds = try await Self.restartTime(
                brokers: broker.bootstrapServers, sessionTimeoutMs: 30_000, isStatic: isStatic)
            print(
                "restart after SIGKILL (Tansu): session.timeout.ms 30000, \(isStatic ? "static" : "dynamic") member: first accepted message \(String(format: "%.1f", seconds)) s after the kill"
            )
        }
    }

    /// Seconds from a SIGKILL of a relay consuming a steady trickle to the first message the restarted relay got
    /// accepted (`.infinity` when none came within two minutes: `eventually` records that).
    static func restartTime(brokers: String, sessionTimeoutMs: Int, isStatic: Bool) async throws -> Double {
        let producer = try KafkaProducer(brokers: [brokers], logger: Self.logger)
        let seconds = try await SyncEmulatorServer.withRunning { running in
            let config = try RelayProcessRig.configFile(
                brokers: brokers, emulator: running, topics: ["orders"], groupId: "restart-\(sessionTimeoutMs)",
                sessionTimeoutMs: sessionTimeoutMs, instanceId: isStatic ? "relay-a" : nil)
            // A steady trickle: 10 records every 100 ms, for as long as the measurement runs.
            let feeding = Task {
                var next = 0
                while !Task.isCancelled {
                    try await RelayProcessRig.produce(producer, "orders", next..<(next + 10))
                    next += 10
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let first = try RelayProcessRig.startRelay(config: config)
            await eventually("the relay publishes", timeout: .seconds(60)) {
                running.emulator.messages(stream: "orders").count > 5
            }
            let killedAt = ContinuousClock.now
            kill(first.process.processIdentifier, SIGKILL)
            _ = await first.exit()
            let before = running.emulator.messages(stream: "orders").count
            let second = try RelayProcessRig.startRelay(config: config)
            await eventually("the restarted relay publishes", timeout: .seconds(120)) {
                running.emulator.messages(stream: "orders").count > before
            }
            let elapsed = ContinuousClock.now - killedAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let arrived = running.emulator.messages(stream: "orders").count > before
            feeding.cancel()
            kill(second.process.processIdentifier, SIGTERM)
            _ = await second.exit()
            return arrived ? seconds : .infinity
        }
        await producer.close()
        return seconds
    }
}
