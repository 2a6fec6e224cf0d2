import Foundation
import Logging
import RelayKafka
import RelayTestSupport
import RelayTimers
import SyncEmulator
import Synchronization
import Testing

/// The real `sync-relay run` process against an independent broker (Tansu, `TansuBroker`): what the mock cluster,
/// which shares librdkafka's code, cannot show. A backlog through SIGKILLs, three relays sharing one stream while
/// records arrive and members come and go, dead letters written back to the broker, and a static member that
/// restarts without waiting for its session (docs/reliability.md, "Against a real broker").
@Suite("Tansu suite", .serialized, .timeLimit(.minutes(10)))
struct TansuSuiteTests {
    static let logger = Logger(label: "tansu-suite") { _ in SwiftLogNoOpLogHandler() }

    /// 6,000 records produced before the relay starts, relayed through three SIGKILLs and restarts: every record
    /// arrives, and Twilio rejects nothing.
    @Test func aBacklogSurvivesSIGKILLsWithNothingLost() async throws {
        let produced = 6_000
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-backlog", partitions: 3)
            let producer = try KafkaProducer(brokers: [broker.bootstrapServers], logger: Self.logger)
            // Padded so a message holds ~17 records: ~350 messages, ~12 s at 30 per second, time to kill mid-way.
            try await RelayProcessRig.produce(producer, "tansu-backlog", 0..<produced, padding: 200)
            await producer.close()
            try await SyncEmulatorServer.withRunning { running in
                let config = try RelayProcessRig.configFile(
                    brokers: broker.bootstrapServers, emulator: running, topics: ["tansu-backlog"],
                    groupId: "tansu-backlog")
                var relay = try RelayProcessRig.startRelay(config: config)
                var outputs: [String] = []
                for (kill, progress) in [1_000, 2_500, 4_000].enumerated() {
                    await eventually("\(progress) records delivered before kill \(kill + 1)", timeout: .seconds(120)) {
                        Set(RelayProcessRig.delivered(running.emulator, "tansu-backlog")).count >= progress
                    }
                    Foundation.kill(relay.process.processIdentifier, SIGKILL)
                    let ended = await relay.exit()
                    #expect(ended.status == SIGKILL)
                    outputs.append(ended.all)
                    relay = try RelayProcessRig.startRelay(config: config)
                }
                await eventually("every record delivered", timeout: .seconds(180)) {
                    Set(RelayProcessRig.delivered(running.emulator, "tansu-backlog")).isSuperset(of: 0..<produced)
                }
                Foundation.kill(relay.process.processIdentifier, SIGTERM)
                let last = await relay.exit()
                #expect(last.status == 0, "\(last.all.suffix(1500))")
                outputs.append(last.all)
                let (delivered, lost) = RelayProcessRig.tally(
                    running.emulator, streams: ["tansu-backlog"], produced: produced)
                let (rejections, rejected) = RelayProcessRig.rejections(running.emulator)
                print(
                    "tansu backlog: \(produced) records, 3 SIGKILLs, \(delivered) delivered, "
                        + "\(delivered - produced) duplicates, \(lost) lost, rejections \(rejections) \(rejected)")
                #expect(lost == 0)
                #expect(rejections == 0)
                #expect(outputs.allSatisfy { $0.contains("kafka.partitions.assigned") }, "a member never joined")
            }
        }
    }

    /// Three relays in one group share six partitions that feed one stream while records keep arriving at close to
    /// the stream's 30 messages per second: members join one by one and one leaves, each change a rebalance under
    /// load on Tansu's coordinator. Every record arrives and Twilio rejects nothing (the group's allowances sum to
    /// the stream's rate through every handoff).
    @Test func threeRelaysShareOneStreamUnderLoadWithNoRejections() async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-shared", partitions: 6)
            let producer = try KafkaProducer(brokers: [broker.bootstrapServers], logger: Self.logger)
            try await SyncEmulatorServer.withRunning { running in
                let config = try RelayProcessRig.configFile(
                    brokers: broker.bootstrapServers, emulator: running, topics: ["tansu-shared"],
                    groupId: "tansu-shared")
                let produced = Atomic<Int>(0)
                // 50 records every 200 ms, padded to ~12 records a message: about 20 messages a second.
                let producing = Task {
                    while !Task.isCancelled {
                        let start = produced.load(ordering: .relaxed)
                        try await RelayProcessRig.produce(producer, "tansu-shared", start..<(start + 50), padding: 300)
                        produced.store(start + 50, ordering: .relaxed)
                        try await Timers.sleep(for: .milliseconds(200))
                    }
                }
                func delivered() -> Int { Set(RelayProcessRig.delivered(running.emulator, "tansu-shared")).count }
                func owns(_ member: CommandRunner.Child) -> Bool {
                    member.standardOutput.contains("\"kafka.partitions\":\"tansu-shared")
                }

                let first = try RelayProcessRig.startRelay(config: config)
                await eventually("the first member publishes", timeout: .seconds(60)) { delivered() > 200 }
                let second = try RelayProcessRig.startRelay(config: config)
                await eventually("the second member owns partitions", timeout: .seconds(60)) { owns(second) }
                let third = try RelayProcessRig.startRelay(config: config)
                await eventually("the third member owns partitions", timeout: .seconds(60)) { owns(third) }
                let shared = delivered()
                await eventually("the three publish together", timeout: .seconds(60)) { delivered() > shared + 600 }
                // One leaves under load: its partitions move to the other two.
                Foundation.kill(second.process.processIdentifier, SIGTERM)
                let left = await second.exit()
                #expect(left.status == 0, "\(left.all.suffix(1500))")
                let afterLeave = delivered()
                await eventually("the two left publish on", timeout: .seconds(60)) { delivered() > afterLeave + 600 }
                producing.cancel()
                _ = await producing.result
                let total = produced.load(ordering: .relaxed)
                await eventually("every record delivered", timeout: .seconds(180)) {
                    Set(RelayProcessRig.delivered(running.emulator, "tansu-shared")).isSuperset(of: 0..<total)
                }
                for member in [first, third] { Foundation.kill(member.process.processIdentifier, SIGTERM) }
                var outputs = [left.all]
                for member in [first, third] {
                    let output = await member.exit()
                    #expect(output.status == 0, "\(output.all.suffix(1500))")
                    outputs.append(output.all)
                }
                let (count, lost) = RelayProcessRig.tally(running.emulator, streams: ["tansu-shared"], produced: total)
                let (rejections, rejected) = RelayProcessRig.rejections(running.emulator)
                print(
                    "tansu shared stream: 3 members, 6 partitions, \(total) records, \(count) delivered, "
                        + "\(count - total) duplicates, \(lost) lost, rejections \(rejections) \(rejected)")
                #expect(lost == 0)
                #expect(rejections == 0)
                #expect(outputs.allSatisfy { $0.contains("\"kafka.partitions\":\"tansu-shared") })
            }
            await producer.close()
        }
    }

    /// Records that no message can carry (`oversize: dead-letter`) are written to the dead-letter topic on the
    /// broker, unchanged and with headers naming why, while the rest arrive; an independent client reads them back.
    @Test func deadLettersAreWrittenToTheBroker() async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-dl", partitions: 2)
            try await broker.createTopic("tansu-dlq", partitions: 1)
            let producer = try KafkaProducer(brokers: [broker.bootstrapServers], logger: Self.logger)
            try await RelayProcessRig.produce(producer, "tansu-dl", 0..<20)
            try await RelayProcessRig.produce(producer, "tansu-dl", 100..<105, padding: 5_000)
            await producer.close()
            try await SyncEmulatorServer.withRunning { running in
                let config = try RelayProcessRig.configFile(
                    brokers: broker.bootstrapServers, emulator: running, topics: ["tansu-dl"], groupId: "tansu-dl",
                    kafka: ", \"deadLetterTopic\": \"tansu-dlq\"", defaults: "{\"oversize\": \"dead-letter\"}")
                let relay = try RelayProcessRig.startRelay(config: config)
                await eventually("the small records delivered", timeout: .seconds(60)) {
                    Set(RelayProcessRig.delivered(running.emulator, "tansu-dl")).isSuperset(of: 0..<20)
                }
                let letters = try await OfficialKafkaClient.read(
                    bootstrap: broker.bootstrapServers, topic: "tansu-dlq", count: 5)
                Foundation.kill(relay.process.processIdentifier, SIGTERM)
                let output = await relay.exit()
                #expect(output.status == 0, "\(output.all.suffix(1500))")
                #expect(letters.count == 5)
                let padding = String(repeating: "x", count: 5_000)
                #expect(
                    Set(letters.compactMap(\.value)) == Set((100..<105).map { "{\"n\":\($0),\"p\":\"\(padding)\"}" }))
                #expect(Set(letters.compactMap(\.key)) == Set((100..<105).map { "k\($0)" }))
                for letter in letters {
                    #expect(letter.headers[DeadLetterWriter.HeaderName.reason] == "oversize")
                    #expect(letter.headers[DeadLetterWriter.HeaderName.sourceTopic] == "tansu-dl")
                    #expect(letter.headers[DeadLetterWriter.HeaderName.stream] == "tansu-dl")
                }
                #expect(RelayProcessRig.delivered(running.emulator, "tansu-dl").allSatisfy { $0 < 20 })
            }
        }
    }

    /// `kafka.startFrom` as a time, looked up with offsets-for-times on the broker (Tansu answers with the append
    /// time): records produced before the time are skipped and those after it relayed; `-1h` relays both.
    @Test func startFromATimeSkipsWhatCameBefore() async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-time", partitions: 2)
            let producer = try KafkaProducer(brokers: [broker.bootstrapServers], logger: Self.logger)
            try await RelayProcessRig.produce(producer, "tansu-time", 0..<50)
            // Every record of the first batch was appended (acknowledged) before `cut`, and the second batch is
            // produced once the clock is past it, so the broker's append times fall on either side.
            let cut = Self.unixMilliseconds() + 1
            await eventually("the clock passes the cut") { Self.unixMilliseconds() > cut }
            try await RelayProcessRig.produce(producer, "tansu-time", 100..<150)
            await producer.close()
            let cutText = Self.rfc3339(milliseconds: cut)
            for (startFrom, expected) in [(cutText, Set(100..<150)), ("-1h", Set(0..<50).union(100..<150))] {
                try await SyncEmulatorServer.withRunning { running in
                    let config = try RelayProcessRig.configFile(
                        brokers: broker.bootstrapServers, emulator: running, topics: ["tansu-time"],
                        groupId: "tansu-time-\(startFrom)")
                    let edited = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
                        of: "\"startFrom\": \"earliest\"", with: "\"startFrom\": \"\(startFrom)\"")
                    try edited.write(toFile: config, atomically: true, encoding: .utf8)
                    let relay = try RelayProcessRig.startRelay(config: config)
                    await eventually("the records after \(startFrom) delivered", timeout: .seconds(90)) {
                        Set(RelayProcessRig.delivered(running.emulator, "tansu-time")).isSuperset(of: 100..<150)
                    }
                    Foundation.kill(relay.process.processIdentifier, SIGTERM)
                    let output = await relay.exit()
                    #expect(output.status == 0, "\(output.all.suffix(1500))")
                    // Each partition's records arrive in order, so a record before the cut would have come first.
                    #expect(Set(RelayProcessRig.delivered(running.emulator, "tansu-time")) == expected, "\(startFrom)")
                    #expect(output.standardOutput.contains("kafka.start_from.resolved"), "\(output.all.suffix(1500))")
                }
            }
        }
    }

    /// A static member (`kafka.instanceId`) killed with SIGKILL and started again gets its partitions back without
    /// waiting for its session to expire (KIP-345): the mock cluster ignores `group.instance.id`, Tansu does not. A
    /// dynamic member cannot: the group waits for the dead member's session first (docs/operations.md has the
    /// figures of both, from `RestartTimeMeasurement`).
    @Test func aStaticMemberRestartsWithoutWaitingForItsSession() async throws {
        let session = 45_000
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("orders", partitions: 2)
            let seconds = try await RestartTimeMeasurement.restartTime(
                brokers: broker.bootstrapServers, sessionTimeoutMs: session, isStatic: true)
            print("tansu static member: first accepted message \(String(format: "%.1f", seconds)) s after the kill")
            #expect(seconds < Double(session) / 1000, "the restarted static member waited for its session to expire")
        }
    }

    static func unixMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `milliseconds` as an RFC 3339 UTC time with milliseconds, e.g. `2026-12-06T09:30:00.250Z`.
    static func rfc3339(milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let seconds = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds / 1000)))
        return seconds + "." + String(String(milliseconds % 1000 + 1000).dropFirst()) + "Z"
    }
}
