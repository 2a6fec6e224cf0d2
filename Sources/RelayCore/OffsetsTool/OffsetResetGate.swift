/// Decides whether a reset may commit: never while the group has active members, whose own commits would overwrite
/// the reset (and whose in-flight records would be counted as done at the old position). Pure: the caller describes
/// the group and prints what this returns.
public enum OffsetResetGate {
    /// Group states in which no member holds partitions (Kafka's `Empty` and `Dead`; `Dead` is also the state of a
    /// group that does not exist).
    static let idleStates: Set<String> = ["Empty", "Dead"]

    /// Nil when `group` may be reset; otherwise the refusal, naming the members and what to do.
    public static func refusal(group: String, activity: ConsumerGroupActivity) -> OffsetsToolError? {
        guard case .described(let snapshot) = activity else { return nil }
        if snapshot.members.isEmpty && (idleStates.contains(snapshot.state) || snapshot.state == "Unknown") {
            return nil
        }
        let names = snapshot.members.map { member in
            "\(member.clientId) on \(member.host)" + (member.instanceId.map { " (instance \($0))" } ?? "")
        }
        let who =
            names.isEmpty
            ? "it is \(snapshot.state) and its coordinator listed no members (a rebalance, or a broker that does not list them)"
            : "it has \(names.count) active member\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", "))"
        return OffsetsToolError(
            .groupActive,
            "refusing to reset group \(group): \(who); stop the relays first (systemctl stop sync-relay on each host)"
        )
    }

    /// A warning to print when membership is unknown and the reset goes ahead: the broker itself refuses a commit
    /// to a group with members (UNKNOWN_MEMBER_ID), which the per-partition results then show.
    public static func warning(group: String, activity: ConsumerGroupActivity) -> String? {
        guard case .unknown(let reason) = activity else { return nil }
        return "warning: could not tell whether group \(group) has active members (\(reason)); "
            + "a broker refuses the commit per partition if it has"
    }
}
