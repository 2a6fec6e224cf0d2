/// Rebalances: assignment, the revoke and its drain (the scale-out budgets are in `RelayEngine+Budget`).
extension RelayEngine {
    mutating func assign(
        _ partitions: [TopicPartition], assignment: PartitionAssignment, now: Instant,
        into actions: inout [EngineAction]
    ) {
        flow.assign(partitions, assignment: assignment)
        for partition in partitions { handoffs.assigned(partition, now: now) }
        applyBudgets(now: now, into: &actions)
        shareSnapshotRates()
    }

    /// Stops feeding the revoked partitions: their queued and held records are discarded (not done, so the next
    /// owner consumes them again), and their in-flight publishes may finish until the drain ends.
    mutating func revoke(
        _ partitions: [TopicPartition], remaining: PartitionAssignment, now: Instant,
        into actions: inout [EngineAction]
    ) {
        for partition in partitions.sorted(by: Self.inOrder) {
            for slot in flow.revoke(partition).sorted() {
                _ = streams[slot].lane.discardQueued(of: partition)
                streams[slot].partitions.remove(partition)
                if streams[slot].keyed { reschedule(slot, now: now) }  // it may be idle now
            }
        }
        flow.setAssignment(remaining)
        applyBudgets(now: now, into: &actions)  // the drained partitions still count until the drain ends
        shareSnapshotRates()
    }

    /// Ends the drain of `partitions`: forgets them, answers `.commit` with their final offsets, and withdraws their
    /// records from messages that would otherwise be sent again (a retry, a chunk not sent yet), so that nothing of
    /// a revoked partition is sent after its drain ended.
    mutating func endRevoke(_ partitions: [TopicPartition], now: Instant, into actions: inout [EngineAction]) {
        var offsets: [TopicPartition: Int64] = [:]
        var affected: Set<Int> = []
        for partition in partitions {
            let (offset, drained) = flow.endRevoke(partition)
            if let offset { offsets[partition] = offset }
            affected.formUnion(drained)
            handoffs.released(partition, now: now)
        }
        // Their snapshot changes are still written, but no longer complete their records here.
        snapshots.withdraw(Set(partitions))
        // Not done either way now: the next owner consumes (and dead-letters) the record again.
        for withdrawn in deadLetters.withdraw(Set(partitions)) {
            if let slot = withdrawn.slot { streams[slot].deadLettersPending -= 1 }
        }
        for slot in affected.sorted() where streams.inFlightCount(slot) > 0 {
            let bound = streams[slot].lane.nextSequence
            for partition in partitions { streams[slot].revokedWhileInFlight[partition] = bound }
            withdrawRevokedRecords(slot, now: now)
        }
        for slot in affected.sorted() where streams.isKeyed(slot) { reschedule(slot, now: now) }
        applyBudgets(now: now, into: &actions)
        actions.append(.commit(offsets))
    }

    /// Takes the records of revoked partitions out of the stream's messages waiting to be sent again (those packed
    /// before the revoke ended); the other records of those messages go back to the queue, to be packed anew, unless
    /// their own partition is being revoked meanwhile: those are discarded, not done, as its queued records were
    /// when its revoke began (a requeued record of a draining partition would otherwise be sent after its drain ended).
    mutating func withdrawRevokedRecords(_ slot: Int, now: Instant) {
        let revoked = streams[slot].revokedWhileInFlight
        let kept = streams[slot].lane.withdraw(where: { record, sequence in
            revoked[record.topicPartition].map { sequence < $0 } ?? false
        })
        let owned = flow.assignment.partitions
        let requeued = kept.filter { owned.contains($0.topicPartition) }
        if !requeued.isEmpty { streams[slot].lane.requeue(requeued, now: now) }
        if streams[slot].lane.inFlightCount == 0 && !streams[slot].lane.hasPendingChunks {
            streams[slot].revokedWhileInFlight = [:]
        }
    }
}
