import Foundation

extension OffsetsReport {
    /// `show --format json`: one object with the group and a partition array. Offsets and lag are numbers,
    /// `committed` is null when none is, `nextRecordTimestamp` is RFC 3339 or null, `nextRecordAgeMs` a number or null.
    public static func showJSON(
        group: String, activity: ConsumerGroupActivity, positions: [PartitionPosition], nowMilliseconds: Int64
    ) -> String {
        let document = ShowDocument(
            group: group, state: state(activity), members: members(activity),
            partitions: positions.map { position in
                ShowDocument.Partition(
                    topic: position.partition.topic, partition: position.partition.partition,
                    committed: position.committed, logStart: position.logStart, logEnd: position.logEnd,
                    lag: position.lag, lagFrom: position.lagBasis.rawValue,
                    nextRecordTimestamp: position.lag > 0
                        ? position.nextRecordTimestamp.map { OffsetsTime.rfc3339(milliseconds: $0) } : nil,
                    nextRecordAgeMs: position.lag > 0
                        ? position.nextRecordTimestamp.map { max(0, nowMilliseconds - $0) } : nil)
            })
        return encode(document)
    }

    /// `reset --format json`: the target, each partition's move and, after `--execute`, its result.
    public static func resetJSON(
        group: String, target: OffsetResetTarget, plan: OffsetResetPlan, results: [TopicPartition: String?]? = nil
    ) -> String {
        let document = ResetDocument(
            group: group, to: target.description, executed: results != nil,
            partitions: plan.moves.map { move in
                ResetDocument.Partition(
                    topic: move.partition.topic, partition: move.partition.partition, committed: move.current,
                    new: move.target, note: move.note,
                    error: results.flatMap { $0[move.partition].map { $0 ?? "" } ?? "no answer" }.flatMap {
                        $0.isEmpty ? nil : $0
                    })
            })
        return encode(document)
    }

    private static func state(_ activity: ConsumerGroupActivity) -> String? {
        guard case .described(let snapshot) = activity else { return nil }
        return snapshot.state
    }

    private static func members(_ activity: ConsumerGroupActivity) -> [ShowDocument.Member]? {
        guard case .described(let snapshot) = activity else { return nil }
        return snapshot.members.map {
            ShowDocument.Member(memberId: $0.memberId, clientId: $0.clientId, host: $0.host, instanceId: $0.instanceId)
        }
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private struct ShowDocument: Encodable {
        struct Member: Encodable {
            var memberId: String
            var clientId: String
            var host: String
            var instanceId: String?
        }
        struct Partition: Encodable {
            var topic: String
            var partition: Int32
            var committed: Int64?
            var logStart: Int64
            var logEnd: Int64
            var lag: Int64
            var lagFrom: String
            var nextRecordTimestamp: String?
            var nextRecordAgeMs: Int64?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(topic, forKey: .topic)
                try container.encode(partition, forKey: .partition)
                try container.encode(committed, forKey: .committed)  // null, not absent, when none is committed
                try container.encode(logStart, forKey: .logStart)
                try container.encode(logEnd, forKey: .logEnd)
                try container.encode(lag, forKey: .lag)
                try container.encode(lagFrom, forKey: .lagFrom)
                try container.encode(nextRecordTimestamp, forKey: .nextRecordTimestamp)
                try container.encode(nextRecordAgeMs, forKey: .nextRecordAgeMs)
            }
            enum CodingKeys: String, CodingKey {
                case topic, partition, committed, logStart, logEnd, lag, lagFrom, nextRecordTimestamp, nextRecordAgeMs
            }
        }
        var group: String
        var state: String?
        var members: [Member]?
        var partitions: [Partition]
    }

    private struct ResetDocument: Encodable {
        struct Partition: Encodable {
            var topic: String
            var partition: Int32
            var committed: Int64?
            var new: Int64
            var note: String?
            var error: String?
        }
        var group: String
        var to: String
        var executed: Bool
        var partitions: [Partition]
    }
}
