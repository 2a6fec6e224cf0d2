/// Rebalances: assignment, the revoke and its drain (the scale-out budgets are in `RelayEngine+Budget`).
extension RelayEngine {
    mutating func assign(
        _ partitions: [TopicPartition], assignment: PartitionAssignment, now: Instant,
        into actions: inout [EngineAction]
    ) {
        for partition in partitions {
            tracker.assign(partition)
            handoffs.assigned(partition, now: now)
        }
        self.assignment = assignment
        applyBudgets(now: now, into: &actions)
    }

    /// Stops feeding the revoked partitions: their queued and held records are discarded (not done, so the next
    /// owner consumes them again), and their in-flight publishes may finish until the drain ends.
    mutating func revoke(
        _ partitions: [TopicPartition], remaining: PartitionAssignment, now: Instant,
        into actions: inout [EngineAction]
    ) {
        for partition in partitions.sorted(by: Self.inOrder) {
            let fed = feeding.removeValue(forKey: partition) ?? []
            for slot in fed.sorted() {
                _ = streams[slot]!.lane.discardQueued(of: partition)
                streams[slot]!.partitions.remove(partition)
                if streams[slot]!.keyed { reschedule(slot, now: now) }  // it may be idle now
            }
            draining[partition, default: []].formUnion(fed)
            held[partition] = nil
            paused.remove(partition)
            pausedReported.remove(partition)
        }
        assignment = remaining
        applyBudgets(now: now, into: &actions)  // the drained partitions still count until the drain ends
        // Discarding made room in streams the remaining partitions feed too: those paused for back-pressure may
        // resume now (no record becoming done would tell, if nothing else is in flight).
        if !paused.isEmpty { resumeCheckNeeded = true }
    }

    /// Ends the drain of `partitions`: forgets them, answers `.commit` with their final offsets, and withdraws their
    /// records from messages that would otherwise be sent again (a retry, a chunk not sent yet), so that nothing of
    /// a revoked partition is sent after its drain ended.
    mutating func endRevoke(_ partitions: [TopicPartition], now: Instant, into actions: inout [EngineAction]) {
        var offsets: [TopicPartition: Int64] = [:]
        var affected: Set<Int> = []
        for partition in partitions {
            if let offset = tracker.revoke(partition) { offsets[partition] = offset }
            affected.formUnion(draining.removeValue(forKey: partition) ?? [])
            handoffs.released(partition, now: now)
        }
        let revoked = Set(partitions)
        for (id, pending) in deadLetters where revoked.contains(pending.letter.record.topicPartition) {
            // Not done either way now: the next owner consumes (and dead-letters) the record again.
            deadLetters[id] = nil
            if let slot = pending.slot { streams[slot]!.deadLettersPending -= 1 }
        }
        for slot in affected.sorted() where (streams[slot]?.lane.inFlightCount ?? 0) > 0 {
            streams[slot]!.holdsRevokedRecords = true
            withdrawRevokedRecords(slot, now: now)
        }
        for slot in affected.sorted() where streams[slot]?.keyed == true { reschedule(slot, now: now) }
        applyBudgets(now: now, into: &actions)
        actions.append(.commit(offsets))
    }

    /// Takes the records of unassigned partitions out of the stream's messages waiting to be sent again; the other
    /// records of those messages go back to the queue, to be packed anew.
    mutating func withdrawRevokedRecords(_ slot: Int, now: Instant) {
        let tracker = self.tracker
        let kept = streams[slot]!.lane.withdraw(where: { !tracker.isAssigned($0.topicPartition) })
        if !kept.isEmpty { streams[slot]!.lane.requeue(kept, now: now) }
        streams[slot]!.holdsRevokedRecords = streams[slot]!.lane.inFlightCount > 0
    }
}
