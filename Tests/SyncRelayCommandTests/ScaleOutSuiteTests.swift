import Foundation
import Logging
import RelayKafka
import RelayTestSupport
import RelayTimers
import SyncEmulator
import Synchronization
import Testing

/// The scale-out suite (issues 8 and 34, docs/reliability.md): three relay processes in one consumer group share topics
/// under a backlog far above the budget, while members join, leave gracefully and are killed. A matrix of partition
/// counts (4, 5 and 7 per topic) gives the uneven splits (1/4, 2/4, 1/4; 2/5, 2/5, 1/5; 3/7, 2/7, 2/7) where members'
/// fractional shares used to add up to 31 messages in a second. Each member now has whole messages per window that
/// sum to 30 (docs/decisions/0009-group-budget.md), so the strict emulator, which answers a 31st message in any second
/// with 429/54009, must reject nothing; and nothing is lost across the rebalances.
///
/// `SYNC_RELAY_SCALE_ROUNDS` sets how many membership changes each cell makes (default 6).
@Suite("Scale-out suite", .serialized, .timeLimit(.minutes(10)))
struct ScaleOutSuiteTests {
    static let logger = Logger(label: "scale-out-suite") { _ in SwiftLogNoOpLogHandler() }
    static let topics = ["scale-a", "scale-b"]
    /// 300-byte values: about 12 records per 4 KiB message, so 30 messages/s carry about 360 records/s per stream.
    static let padding = 300

    @Test(arguments: [4, 5, 7])
    func threeMembersJoiningAndLeavingStayWithinTheBudgetAndLoseNothing(partitions: Int) async throws {
        let rounds = ProcessInfo.processInfo.environment["SYNC_RELAY_SCALE_ROUNDS"].flatMap(Int.init) ?? 6
        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in Self.topics { try cluster.createTopic(topic, partitions: partitions) }
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        try await SyncEmulatorServer.withRunning { running in
            let config = try RelayProcessRig.configFile(
                cluster: cluster, emulator: running, topics: Self.topics, groupId: "scale-out-\(partitions)",
                sessionTimeoutMs: 3000)
            // A backlog of about 12 s at the full budget, then more while the members change.
            var produced = 4_000
            for topic in Self.topics {
                try await RelayProcessRig.produce(producer, topic, 0..<produced, padding: Self.padding)
            }

            var members: [CommandRunner.Child?] = [nil, nil, nil]
            var outputs: [String] = []
            func start(_ slot: Int) async throws {
                members[slot] = try await RelayProcessRig.startRelayAndWait(config: config, "member \(slot)")
            }
            func stop(_ slot: Int, signal: Int32) async {
                guard let member = members[slot] else { return }
                Foundation.kill(member.process.processIdentifier, signal)
                let ended = await member.exit()
                outputs.append(ended.all)
                if signal == SIGTERM { #expect(ended.status == 0, "\(ended.all.suffix(1500))") }
                members[slot] = nil
            }
            try await start(0)
            try await start(1)
            try await start(2)
            for round in 0..<rounds {
                try await Timers.sleep(for: .seconds(2))
                let slot = round % 3
                await stop(slot, signal: round % 2 == 0 ? SIGTERM : SIGKILL)
                for topic in Self.topics {
                    try await RelayProcessRig.produce(
                        producer, topic, produced..<(produced + 300), padding: Self.padding)
                }
                produced += 300
                try await Timers.sleep(for: .seconds(2))
                try await start(slot)
            }
            for topic in Self.topics {
                await eventually("every record of \(topic) arrived", timeout: .seconds(300)) {
                    Set(RelayProcessRig.delivered(running.emulator, topic)).isSuperset(of: 0..<produced)
                }
            }
            for slot in 0..<3 { await stop(slot, signal: SIGTERM) }

            let (delivered, lost) = RelayProcessRig.tally(running.emulator, streams: Self.topics, produced: produced)
            let stats = running.emulator.stats()
            let busiest = Self.topics.map { Self.busiestSecond(running.emulator.messages(stream: $0).map(\.arrivedAt)) }
            print(
                "scale-out suite: \(partitions) partitions per topic, 3 members, \(rounds) membership changes, "
                    + "\(produced * Self.topics.count) records produced, "
                    + "\(delivered) delivered, \(delivered - produced * Self.topics.count) duplicates, \(lost) lost, "
                    + "\(stats.accepted) messages accepted, rejections \(stats.rejections), "
                    + "busiest second per stream \(busiest)")
            #expect(lost == 0)
            #expect(stats.rejections[54009, default: 0] == 0, "a stream went over 30 messages/s in total")
            #expect(busiest.allSatisfy { $0 <= 30 }, "busiest second per stream: \(busiest)")
            #expect(!outputs.contains { $0.contains(SyncEmulatorConfiguration.defaultAuthToken) })
        }
        await producer.close()
    }

    /// The most messages the emulator accepted in any one-second window (by its clock).
    static func busiestSecond(_ times: [Date]) -> Int {
        let sorted = times.sorted()
        var best = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end].timeIntervalSince(sorted[start]) > 1 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
