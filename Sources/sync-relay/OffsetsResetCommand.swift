import ArgumentParser
import Foundation
import RelayCore
import RelayKafka

/// `sync-relay offsets reset`: moves the group's committed offsets to the log start, the log end, a time, or a time
/// ago. A dry run unless `--execute`; refused while the group has active members
/// (docs/decisions/0014-offsets-through-the-admin-api.md).
struct OffsetsResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Reset the group's committed offsets (a dry run unless --execute; refused while relays run).",
        discussion: """
            --to earliest     the first record still in the log (relay everything again)
            --to latest       the log end (skip everything not yet relayed)
            --to 2026-12-07T09:30:00Z   the first record at or after that time (RFC 3339)
            --to -15m         the first record at or after 15 minutes ago (ms, s, m, h, d)
            """
    )

    @OptionGroup var options: OffsetsOptions

    // `.unconditional`: `--to -15m` takes `-15m` as the value instead of reading it as a short option.
    @Option(
        name: .long, parsing: .unconditional,
        help: "Where to: earliest, latest, an RFC 3339 time, or a negative duration such as -15m.")
    var to: String

    @Flag(name: .long, help: "Commit the new offsets (without it, only print what would change).")
    var execute = false

    func validate() throws {
        do {
            _ = try OffsetResetTarget(parsing: to)
        } catch {
            throw ValidationError(error.reason)
        }
    }

    func run() async throws {
        let target = try OffsetResetTarget(parsing: to)
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let session = try await OffsetsSession(options)
        let admin = session.admin
        let partitions = session.partitions
        let activity = try await OffsetsExit.kafka { () async throws(KafkaError) in try await admin.groupActivity() }
        if let refusal = OffsetResetGate.refusal(group: admin.groupId, activity: activity) {
            throw OffsetsExit.fail(refusal)
        }
        let positions = try await OffsetsExit.kafka { () async throws(KafkaError) in
            try await admin.positions(of: partitions, readingTimestamps: false)
        }
        var timeOffsets: [TopicPartition: Int64?] = [:]
        if let timestamp = target.timestamp(nowMilliseconds: now) {
            timeOffsets = try await OffsetsExit.kafka { () async throws(KafkaError) in
                try await admin.offsets(atOrAfter: timestamp, of: partitions)
            }
        }
        let plan = OffsetResetPlan(positions: positions, target: target, timeOffsets: timeOffsets)
        guard execute else { return report(admin.groupId, target, plan, results: nil) }
        if let warning = OffsetResetGate.warning(group: admin.groupId, activity: activity) {
            StandardError.write(warning)
        }
        let outcomes = try await OffsetsExit.kafka { () async throws(KafkaError) in
            try await admin.commit(plan.moves.map { ($0.partition, $0.target) })
        }
        let results = outcomes.mapValues { $0.map(\.reason) }
        report(admin.groupId, target, plan, results: results)
        let failed = plan.moves.filter { (results[$0.partition] ?? "no answer") != nil }.count
        if failed > 0 {
            StandardError.write("sync-relay offsets: \(failed) of \(plan.moves.count) partitions were not committed")
            throw ExitCode.failure
        }
    }

    private func report(
        _ group: String, _ target: OffsetResetTarget, _ plan: OffsetResetPlan, results: [TopicPartition: String?]?
    ) {
        switch options.output {
        case .table:
            for line in OffsetsReport.reset(group: group, target: target, plan: plan, results: results) { print(line) }
        case .json:
            print(OffsetsReport.resetJSON(group: group, target: target, plan: plan, results: results))
        }
    }
}
