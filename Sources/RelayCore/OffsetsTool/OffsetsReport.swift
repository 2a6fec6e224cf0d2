import Foundation

/// What `sync-relay offsets show` and `reset` print: tables for people, JSON for scripts. Pure: every input is
/// given, including the time now, so the output is tested byte for byte.
public enum OffsetsReport {
    /// The group's state and members, then one row per partition, then how lag is counted.
    public static func show(
        group: String, activity: ConsumerGroupActivity, positions: [PartitionPosition], nowMilliseconds: Int64
    ) -> [String] {
        var lines = groupLines(group: group, activity: activity)
        lines.append("")
        let rows = positions.map { position in
            [
                position.partition.topic, String(position.partition.partition),
                position.committed.map(String.init) ?? "none", String(position.logStart), String(position.logEnd),
                String(position.lag) + (position.lagBasis == .logStart ? "*" : ""),
                age(position, nowMilliseconds: nowMilliseconds),
            ]
        }
        lines +=
            TextTable(
                header: ["TOPIC", "PARTITION", "COMMITTED", "LOG START", "LOG END", "LAG", "NEXT RECORD AGE"],
                rows: rows,
                rightAligned: [1, 2, 3, 4, 5]
            ).lines
        lines.append("")
        lines.append("lag = log end - committed; * nothing committed: lag = log end - log start")
        lines.append("next record age: now - timestamp of the record the group relays next; \u{2014} caught up")
        return lines
    }

    /// `group NAME: STATE, N active members` and a member table, or why membership is unknown.
    public static func groupLines(group: String, activity: ConsumerGroupActivity) -> [String] {
        switch activity {
        case .unknown(let reason):
            return ["group \(group): state unknown (\(reason))"]
        case .described(let snapshot):
            let count = snapshot.members.count
            var lines = ["group \(group): \(snapshot.state), \(count) active member\(count == 1 ? "" : "s")"]
            guard count > 0 else { return lines }
            let rows = snapshot.members.map { [$0.memberId, $0.clientId, $0.host, $0.instanceId ?? "-"] }
            lines += TextTable(header: ["MEMBER", "CLIENT", "HOST", "INSTANCE"], rows: rows).lines.map { "  " + $0 }
            return lines
        }
    }

    /// One row per partition: committed now → new offset, then the dry-run notice or each partition's result.
    /// `results` holds, after `--execute`, each partition's error (nil: committed).
    public static func reset(
        group: String, target: OffsetResetTarget, plan: OffsetResetPlan, results: [TopicPartition: String?]? = nil
    ) -> [String] {
        var lines = ["reset group \(group) to \(target):"]
        let rows = plan.moves.map { move in
            var row = [
                move.partition.topic, String(move.partition.partition), move.current.map(String.init) ?? "none",
                String(move.target), move.note ?? "",
            ]
            if let results {
                row.append(results[move.partition].map { $0.map { "failed: \($0)" } ?? "committed" } ?? "no answer")
            }
            return row
        }
        let header = ["TOPIC", "PARTITION", "COMMITTED", "NEW", "NOTE"] + (results == nil ? [] : ["RESULT"])
        lines += TextTable(header: header, rows: rows, rightAligned: [1, 2, 3]).lines
        if results == nil { lines.append("dry run: nothing changed; add --execute to commit these offsets") }
        return lines
    }

    private static func age(_ position: PartitionPosition, nowMilliseconds: Int64) -> String {
        guard position.lag > 0 else { return "\u{2014}" }
        guard let timestamp = position.nextRecordTimestamp else { return "?" }
        return OffsetsTime.age(milliseconds: nowMilliseconds - timestamp)
    }
}
