/// When each partition this member owns starts to count toward its share of the budget of the streams it feeds, so
/// that a partition's new owner never sends on its quota in a window its previous owner's sends may still be in
/// (docs/decisions/0009-group-budget.md).
///
/// A partition counts from `hold` after it was assigned: its previous owner stopped sending on it when its revoke's
/// drain ended, which was before this assignment (the group coordinator orders them, in eager, cooperative and
/// next-generation rebalances alike), and a message arrives no earlier than it is sent, so no window of `hold`
/// (longer than Twilio's one second) holds arrivals on the partition's quota from both owners. It stops counting when
/// its own revoke's drain ends (it still counts while draining: the drain's sends are on its quota).
///
/// A partition assigned again within `hold` of the end of this member's own revoke of it, *while it counted*, counts
/// at once: no other member can have started counting it in between (by the hold, they would count only `hold`
/// after their assignment, which came after this release; by this same rule, only if they had counted it when they
/// last released it, but then this member could not have counted it at its release, being assigned after them).
/// This spares eager rebalances, where every member revokes everything and gets most of it back, a pause on every
/// partition. A partition that did not count yet when it was released is held anew (docs/decisions/0009).
///
/// Pure: the caller passes every instant. Bounded: an entry per owned partition and per partition revoked within
/// `hold`.
public struct PartitionHandoffs: Sendable {
    /// How long after its assignment a partition starts counting.
    public let hold: Duration
    /// Owned partitions and the instant each counts from, by topic.
    private var countsFrom: [TopicPartition: Instant] = [:]
    private var byTopic: [String: Set<TopicPartition>] = [:]
    /// Partitions that counted when their revoke ended, less than `hold` ago, and when it ended.
    private var releases: [TopicPartition: Instant] = [:]

    /// Handoffs that hold a new partition for `hold`: more than Twilio's one-second window, or zero (counts at once:
    /// for tests of other concerns).
    public init(hold: Duration) {
        precondition(hold == .zero || hold > .seconds(1), "a hold of \(hold) is not longer than Twilio's window")
        self.hold = hold
    }

    /// `partition` was assigned at `now`.
    public mutating func assigned(_ partition: TopicPartition, now: Instant) {
        if let release = releases.removeValue(forKey: partition), now - release < hold {
            countsFrom[partition] = now  // its own, given back before anyone else could count it
        } else if countsFrom[partition] == nil {
            countsFrom[partition] = now + hold
        }
        byTopic[partition.topic, default: []].insert(partition)
        forgetOldReleases(now: now)
    }

    /// `partition`'s revoke ended (its drain is over) at `now`: it no longer counts.
    public mutating func released(_ partition: TopicPartition, now: Instant) {
        guard let from = countsFrom.removeValue(forKey: partition) else { return }
        byTopic[partition.topic]?.remove(partition)
        if byTopic[partition.topic]?.isEmpty == true { byTopic[partition.topic] = nil }
        if from <= now { releases[partition] = now }
        forgetOldReleases(now: now)
    }

    /// Whether `partition` counts at `now`.
    public func counts(_ partition: TopicPartition, now: Instant) -> Bool {
        countsFrom[partition].map { $0 <= now } ?? false
    }

    /// The owned partitions of `topic` (counting or held), including those still draining.
    public func partitions(of topic: String) -> Set<TopicPartition> {
        byTopic[topic] ?? []
    }

    /// The instant `partition` counts from (nil: not owned).
    public func countsFrom(_ partition: TopicPartition) -> Instant? {
        countsFrom[partition]
    }

    /// The earliest instant after `now` at which an owned partition starts counting (nil: none is held).
    public func nextChange(after now: Instant) -> Instant? {
        countsFrom.values.lazy.filter { $0 > now }.min()
    }

    private mutating func forgetOldReleases(now: Instant) {
        guard releases.count > 64 else { return }
        releases = releases.filter { now - $0.value < hold }
    }
}
