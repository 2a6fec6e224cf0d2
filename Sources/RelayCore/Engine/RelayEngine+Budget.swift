/// Scale-out: each stream's share of its budget, in whole messages per window that sum to at most the stream's rate
/// over the group (`GroupBudget`), counting a newly assigned partition only once its previous owner's sends can no
/// longer share a window with this member's (`PartitionHandoffs`). docs/decisions/0009-group-budget.md.
extension RelayEngine {
    /// This member's pacing of a stream: its share of `rate`, and the instant before which it must not send at all
    /// (none of the partitions feeding it counts yet), or nil.
    struct StreamBudget: Equatable {
        /// Nil: nothing feeding it is owned; the share stays as it was (the stream has nothing to send).
        var share: Double?
        var holdUntil: Instant?
        /// The allowance, for a stream shared by the group (nil: fed by one partition, or nothing owned).
        var allowance: GroupBudget.Allowance?
    }

    /// The budget of a stream named by `template` for records of `topic` at `rate`, at `now`. A stream fed by one
    /// partition gets the whole rate from its owner once `partition` counts.
    func budget(
        topic: String, template: StreamNameTemplate, rate: Int, partition: TopicPartition?, now: Instant
    ) -> StreamBudget {
        if template.isFedByOnePartition {
            guard let partition, !handoffs.counts(partition, now: now) else { return StreamBudget(share: 1) }
            return StreamBudget(share: 1, holdUntil: handoffs.countsFrom(partition))
        }
        var base = 0
        var counted: [Int] = []
        var held: [Int] = []
        var firstCount: Instant?
        for feeding in feedingTopics(topic: topic, template: template) {
            let owned = handoffs.partitions(of: feeding)
            let count =
                flow.assignment.partitionCounts[feeding] ?? (owned.map { Int($0.partition) }.max().map { $0 + 1 } ?? 0)
            for partition in owned where Int(partition.partition) < count {
                let index = base + Int(partition.partition)
                if handoffs.counts(partition, now: now) {
                    counted.append(index)
                } else {
                    held.append(index)
                    if let from = handoffs.countsFrom(partition) { firstCount = min(firstCount ?? from, from) }
                }
            }
            base += count
        }
        if let allowance = GroupBudget.allowance(rate: rate, indices: counted, partitionCount: base) {
            return StreamBudget(share: allowance.share(of: rate), allowance: allowance)
        }
        // Nothing counts yet: the share it will have, held until the first partition counts.
        let coming = GroupBudget.allowance(rate: rate, indices: held, partitionCount: base)
        return StreamBudget(share: coming?.share(of: rate), holdUntil: firstCount, allowance: coming)
    }

    /// The topics whose partitions feed a stream named by `template` for `topic`: that topic when the name has
    /// `{topic}`, else every topic of the assignment's metadata that the configuration names the same way, by name.
    func feedingTopics(topic: String, template: StreamNameTemplate) -> [String] {
        guard !template.usesTopic else { return [topic] }
        var topics = Set(
            flow.assignment.partitionCounts.keys.filter {
                settings.configuration.settings(forTopic: $0).stream == template
            })
        topics.insert(topic)
        return topics.sorted()
    }

    /// The budget of stream `slot` at `now`.
    func budget(of slot: Int, now: Instant) -> StreamBudget {
        budget(
            topic: streams[slot].topic, template: streams[slot].settings.stream, rate: streams[slot].settings.rate,
            partition: streams[slot].fedByOnePartition ? streams[slot].partitions.first : nil, now: now)
    }

    /// Gives every stream its budget at `now` (after a rebalance, a partition starting to count, or a reload), and
    /// asks to be woken when the next held partition starts counting.
    mutating func applyBudgets(now: Instant, into actions: inout [EngineAction]) {
        for slot in streams.liveSlots { applyBudget(slot, now: now, into: &actions) }
        if let next = handoffs.nextChange(after: now), next != handoffScheduledAt {
            handoffScheduledAt = next
            scheduler.schedule(.handoff, at: next)
        }
    }

    /// Gives stream `slot` its budget at `now`: the share to its pacer and, while nothing it is fed by counts yet, a
    /// pause until something does; reports a shared stream's allowance when it changes.
    mutating func applyBudget(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        let budget = budget(of: slot, now: now)
        if let until = budget.holdUntil { streams[slot].lane.pause(until: until) }
        if let share = budget.share, share != streams[slot].lane.pacer.settings.share {
            streams[slot].lane.setShare(share)
        }
        if let allowance = budget.allowance, allowance != streams[slot].allowance {
            streams[slot].allowance = allowance
            actions.append(
                .report(
                    .allowance(
                        label: streams[slot].label, messagesPerWindow: allowance.messagesPerWindow,
                        guaranteed: allowance.guaranteed)))
        }
        if budget.holdUntil != nil { reschedule(slot, now: now) }
    }
}
