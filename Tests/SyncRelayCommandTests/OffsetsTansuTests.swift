import Foundation
import RelayCore
import RelayKafka
import RelayTestSupport
import Testing

/// `sync-relay offsets` against Tansu, an independent broker whose coordinator answers DescribeGroups (librdkafka's
/// mock does not): a reset is refused while a member is live and allowed once it left; times resolve.
@Suite("offsets command on Tansu", .serialized, .timeLimit(.minutes(5)))
struct OffsetsTansuTests {
    @Test func aResetIsRefusedWhileTheGroupHasAMemberAndAllowedOnceItLeft() async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-offsets", partitions: 2)
            try await OffsetsCommandTests.produce(brokers: broker.bootstrapServers, topic: "tansu-offsets")
            let config = try OffsetsCommandTests.configFile(
                brokers: broker.bootstrapServers, topic: "tansu-offsets", group: "tansu-offsets")
            let admin = try OffsetsCommandTests.admin(
                brokers: broker.bootstrapServers, topic: "tansu-offsets", group: "tansu-offsets")
            let member = try LiveMember(
                brokers: broker.bootstrapServers, group: "tansu-offsets", topic: "tansu-offsets")
            await eventually("the member joined", timeout: .seconds(60)) { member.hasJoined }

            // Tansu 0.6.0 describes the group's state but lists no members (Kafka lists them; the refusal's naming
            // of members is unit-tested in OffsetsToolGateTests).
            let show = try await CommandRunner.run(["offsets", "show", "--config", config])
            #expect(show.status == 0, "\(show.all)")
            #expect(show.standardOutput.hasPrefix("group tansu-offsets: Stable"), "\(show.standardOutput)")

            for extra in [[], ["--execute"]] {
                let reset = try await CommandRunner.run(
                    ["offsets", "reset", "--config", config, "--to", "latest"] + extra)
                #expect(reset.status == 75, "\(reset.all)")
                #expect(
                    reset.standardError.contains("refusing to reset group tansu-offsets: it is Stable"), "\(reset.all)")
                #expect(reset.standardError.contains("systemctl stop sync-relay"))
                #expect(reset.standardOutput.isEmpty)
            }
            let before = try await OffsetsCommandTests.committed(admin, "tansu-offsets")

            await member.stop()
            // Tansu's group empties once the member left (a LeaveGroup), or after its session.
            var allowed: CommandRunner.Output?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let attempt = try await CommandRunner.run(
                    ["offsets", "reset", "--config", config, "--to", "latest", "--execute"])
                if attempt.status != 75 {
                    allowed = attempt
                    break
                }
            }
            let output = try #require(allowed, "the group never became empty")
            #expect(output.status == 0, "\(output.all)")
            #expect(try await OffsetsCommandTests.committed(admin, "tansu-offsets") == [10, 10])
            #expect(before != [10, 10])
        }
    }

    /// Tansu resolves times (by the records' append time; the mock cluster resolves none): a reset to a moment
    /// between two batches lands on the second batch, one to an hour ago on the first record.
    @Test func aResetToATimeLandsOnTheFirstRecordAtOrAfterIt() async throws {
        try await TansuBroker.withRunning { broker in
            try await broker.createTopic("tansu-times", partitions: 2)
            let producer = try KafkaProducer(brokers: [broker.bootstrapServers], logger: OffsetsCommandTests.logger)
            for partition: Int32 in [0, 1] {
                for number in 0..<5 {
                    _ = try await producer.send(
                        topic: "tansu-times", partition: partition, key: nil, value: Array("\(number)".utf8))
                }
            }
            // A moment after every acknowledged record of the first batch, and before the second batch is sent.
            let moment = Int64(Date().timeIntervalSince1970 * 1000) + 1
            await eventually("the clock passed the moment") { Int64(Date().timeIntervalSince1970 * 1000) > moment }
            for partition: Int32 in [0, 1] {
                for number in 5..<10 {
                    _ = try await producer.send(
                        topic: "tansu-times", partition: partition, key: nil, value: Array("\(number)".utf8))
                }
            }
            await producer.close()
            let config = try OffsetsCommandTests.configFile(
                brokers: broker.bootstrapServers, topic: "tansu-times", group: "tansu-times")
            let admin = try OffsetsCommandTests.admin(
                brokers: broker.bootstrapServers, topic: "tansu-times", group: "tansu-times")
            func reset(_ to: String) async throws -> CommandRunner.Output {
                let output = try await CommandRunner.run([
                    "offsets", "reset", "--config", config, "--to", to, "--execute",
                ])
                #expect(output.status == 0, "\(to): \(output.all)")
                return output
            }
            _ = try await reset(OffsetsTime.rfc3339(milliseconds: moment))
            #expect(try await OffsetsCommandTests.committed(admin, "tansu-times") == [5, 5])
            _ = try await reset("-1h")
            #expect(try await OffsetsCommandTests.committed(admin, "tansu-times") == [0, 0])
            // A time after the last record is not asked of Tansu: 0.6.0 answers offset 0 where Kafka answers "none"
            // (-1). The tool's log-end rule for "none" runs against the mock cluster (OffsetsCommandTests).
        }
    }
}
