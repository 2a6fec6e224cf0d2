import ArgumentParser
import Foundation
import RelayCore
import RelayKafka

/// `sync-relay offsets show`: per partition of the configuration's topics, the group's committed offset, the log
/// start and end, the lag and the age of the next record to relay; and the group's state and active members.
struct OffsetsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the group's committed offsets, lag, next record age, state and members."
    )

    @OptionGroup var options: OffsetsOptions

    func run() async throws {
        let session = try await OffsetsSession(options)
        let admin = session.admin
        let activity = try await OffsetsExit.kafka { () async throws(KafkaError) in try await admin.groupActivity() }
        let partitions = session.partitions
        let positions = try await OffsetsExit.kafka { () async throws(KafkaError) in
            try await admin.positions(of: partitions)
        }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        switch options.output {
        case .table:
            for line in OffsetsReport.show(
                group: admin.groupId, activity: activity, positions: positions, nowMilliseconds: now)
            {
                print(line)
            }
        case .json:
            print(
                OffsetsReport.showJSON(
                    group: admin.groupId, activity: activity, positions: positions, nowMilliseconds: now))
        }
    }
}
