import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayTestSupport
import RelayTimers
import SyncEmulator
import Synchronization
import Testing

/// The crash suite (issue 8, docs/reliability.md): relays run as separate processes in one consumer group while
/// numbered records keep arriving, and are killed with SIGKILL at random moments: while steady, while the group
/// rebalances (a member just joined), and during a graceful shutdown. At the end every record must have reached the
/// emulator at least once (`block`); duplicates are counted.
///
/// CI runs a few kills; `SYNC_RELAY_CRASH_KILLS=40 swift test --filter CrashSuite` runs a long campaign
/// (`SYNC_RELAY_CRASH_SEED` replays one).
@Suite("Crash suite", .timeLimit(.minutes(20)))
struct CrashSuiteTests {
    static let logger = Logger(label: "crash-suite") { _ in SwiftLogNoOpLogHandler() }
    static let topics = ["crash-a", "crash-b", "crash-c"]

    /// When a kill lands.
    enum Moment: String, CaseIterable {
        /// A member that has been consuming for a while.
        case steady
        /// Just after another member started, while the group rebalances.
        case rebalance
        /// After SIGTERM, while the member drains and commits.
        case shutdown
    }

    @Test func killedAtRandomMomentsItLosesNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["SYNC_RELAY_CRASH_KILLS"].flatMap(Int.init) ?? 4
        let seed = environment["SYNC_RELAY_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max / 2)

        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in Self.topics { try cluster.createTopic(topic, partitions: 2) }
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        try await SyncEmulatorServer.withRunning { running in
            var rng = SeededGenerator(seed: seed)
            let config = try RelayProcessRig.configFile(
                cluster: cluster, emulator: running, topics: Self.topics, groupId: "crash-suite", sessionTimeoutMs: 3000
            )
            let produced = Atomic<Int>(0)  // records per topic, numbered 0..<produced
            let producing = Task {
                while !Task.isCancelled {
                    let start = produced.load(ordering: .relaxed)
                    for topic in Self.topics {
                        try await RelayProcessRig.produce(producer, topic, start..<(start + 100))
                    }
                    produced.store(start + 100, ordering: .relaxed)
                    try await Timers.sleep(for: .milliseconds(250))
                }
            }

            var members: [CommandRunner.Child?] = [nil, nil]
            var counts: [Moment: Int] = [:]
            var gracefulBeforeKill = 0
            var outputs: [String] = []
            func startMember(_ slot: Int) async throws {
                members[slot] = try await RelayProcessRig.startRelayAndWait(config: config, "member \(slot)")
            }
            try await startMember(0)
            for kill in 0..<kills {
                let moment = Moment.allCases[kill % Moment.allCases.count]
                let victim = members[1] == nil ? 0 : Int.random(in: 0...1, using: &rng)
                let other = 1 - victim
                switch moment {
                case .steady:
                    try await Timers.sleep(for: .milliseconds(Int64.random(in: 300...2500, using: &rng)))
                    Foundation.kill(members[victim]!.process.processIdentifier, SIGKILL)
                case .rebalance:
                    if members[other] == nil {
                        members[other] = try RelayProcessRig.startRelay(config: config)
                    }
                    try await Timers.sleep(for: .milliseconds(Int64.random(in: 0...1500, using: &rng)))
                    Foundation.kill(members[victim]!.process.processIdentifier, SIGKILL)
                case .shutdown:
                    Foundation.kill(members[victim]!.process.processIdentifier, SIGTERM)
                    try await Timers.sleep(for: .milliseconds(Int64.random(in: 0...150, using: &rng)))
                    Foundation.kill(members[victim]!.process.processIdentifier, SIGKILL)
                }
                let ended = await members[victim]!.exit()
                outputs.append(ended.all)
                if ended.status == SIGKILL { counts[moment, default: 0] += 1 } else { gracefulBeforeKill += 1 }
                members[victim] = nil
                try await startMember(victim)
            }
            producing.cancel()
            _ = await producing.result
            let total = produced.load(ordering: .relaxed)
            for topic in Self.topics {
                await eventually("every record of \(topic) arrived", timeout: .seconds(180)) {
                    Set(RelayProcessRig.delivered(running.emulator, topic)).isSuperset(of: 0..<total)
                }
            }
            for case let member? in members { Foundation.kill(member.process.processIdentifier, SIGTERM) }
            for case let member? in members {
                let output = await member.exit()
                outputs.append(output.all)
                #expect(output.status == 0, "\(output.all.suffix(1500))")
            }
            for topic in Self.topics {
                #expect(
                    Set(RelayProcessRig.delivered(running.emulator, topic)) == Set(0..<total),
                    "\(topic): records missing or unknown")
            }
            let (delivered, lost) = RelayProcessRig.tally(running.emulator, streams: Self.topics, produced: total)
            let rejections = running.emulator.stats().rejections
            let killed = counts.values.reduce(0, +)
            print(
                "crash suite: seed \(seed), \(killed) SIGKILLs (steady \(counts[.steady] ?? 0), rebalance "
                    + "\(counts[.rebalance] ?? 0), shutdown \(counts[.shutdown] ?? 0); \(gracefulBeforeKill) shutdowns "
                    + "finished before the kill), \(total * Self.topics.count) records produced, \(delivered) delivered, "
                    + "\(delivered - total * Self.topics.count) duplicates, \(lost) lost, rejections \(rejections)")
            #expect(lost == 0)
            // Security: whatever a member printed before it died, the credential is not in it.
            #expect(!outputs.contains { $0.contains(SyncEmulatorConfiguration.defaultAuthToken) })
            #expect(outputs.contains { $0.contains("relay.starting") })
            #expect(killed + gracefulBeforeKill == kills)
        }
        await producer.close()
    }
}
