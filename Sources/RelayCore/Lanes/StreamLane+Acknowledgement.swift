extension StreamLane {
    /// Twilio accepted message `sequence` (answering at `now`): returns the records now done (published), to mark in
    /// the offset tracker. A split record is done when all its chunks are acknowledged. Unknown sequences return
    /// nothing.
    public mutating func acknowledge(sequence: UInt64, now: Instant) -> [SourceRecord] {
        guard let item = inFlight.removeValue(forKey: sequence) else { return [] }
        pacer.responded(ticket: item.ticket, now: now)
        guard let group = item.chunkGroup else { return item.records }
        guard var state = chunkGroups[group] else { return [] }
        state.unacknowledged -= 1
        if state.unacknowledged == 0 {
            chunkGroups[group] = nil
            return state.abandoned ? [] : [state.record]
        }
        chunkGroups[group] = state
        return []
    }

    /// Message `sequence` (answered at `now`) should be sent again, not before `notBefore` (the retry planner's
    /// time). It keeps its slot in the in-flight window and its bytes and sequence number, and takes a pacer token
    /// when resent.
    public mutating func retry(sequence: UInt64, notBefore: Instant, now: Instant) {
        guard let item = inFlight[sequence] else { return }
        pacer.responded(ticket: item.ticket, now: now)
        inFlight[sequence]!.retryAt = notBefore
    }

    /// Gives up on message `sequence` (rejected by Twilio at `now`, or retries exhausted): its records are handed
    /// back with `reason`. For a chunk, the whole split record is given up once, and its unsent chunks are cancelled.
    public mutating func abandon(
        sequence: UInt64, reason: DropReason = .rejected, deadLetter: Bool? = nil, now: Instant
    ) -> [DroppedRecord] {
        guard let item = inFlight.removeValue(forKey: sequence) else { return [] }
        pacer.responded(ticket: item.ticket, now: now)
        let toDeadLetter = deadLetter ?? settings.deadLetterDrops
        guard let group = item.chunkGroup else {
            return item.records.map { DroppedRecord(record: $0, reason: reason, deadLetter: toDeadLetter) }
        }
        guard let state = chunkGroups[group] else { return [] }
        let firstTime = !state.abandoned
        cancelChunkGroup(group, withdrawn: 1)
        return firstTime ? [DroppedRecord(record: state.record, reason: reason, deadLetter: toDeadLetter)] : []
    }

    /// Marks split record `group` abandoned: `withdrawn` of its chunks just left the window, and its unsent chunks
    /// will never be sent. Chunks still on the wire complete nothing when answered.
    mutating func cancelChunkGroup(_ group: UInt64, withdrawn: Int) {
        guard var state = chunkGroups[group] else { return }
        state.abandoned = true
        state.unacknowledged -= withdrawn
        let before = pendingChunks.count
        pendingChunks.removeAll { $0.group == group }
        state.unacknowledged -= before - pendingChunks.count
        chunkGroups[group] = state.unacknowledged <= 0 ? nil : state
    }
}
