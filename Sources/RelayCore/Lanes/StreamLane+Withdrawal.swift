extension StreamLane {
    /// The attempt number of in-flight message `sequence` (1 for its first send), or nil if it is not in flight.
    public func attempt(of sequence: UInt64) -> Int? {
        inFlight[sequence].map { $0.message.previousAttempts + 1 }
    }

    /// Takes out of the window every message waiting to be sent again (answered with a retry, so not on the wire)
    /// that holds a record matching `isRevoked`, and cancels the unsent chunks of such records. `isRevoked` is asked
    /// with the message's sequence number (a split record's: its first chunk's), so that records of a partition
    /// revoked and assigned again are told apart by when they were packed. Returns the other records of the
    /// withdrawn messages, in their order, for `requeue`: they are not done yet. The revoked records are forgotten
    /// (neither sent nor done: their partition's next owner consumes them again).
    public mutating func withdraw(where isRevoked: (SourceRecord, _ sequence: UInt64) -> Bool) -> [SourceRecord] {
        var kept: [SourceRecord] = []
        for sequence in inFlight.keys.sorted() {
            guard let item = inFlight[sequence], item.retryAt != nil else { continue }
            if let group = item.chunkGroup {
                guard let state = chunkGroups[group], isRevoked(state.record, group) else { continue }
                inFlight[sequence] = nil
                cancelChunkGroup(group, withdrawn: 1)
            } else if item.records.contains(where: { isRevoked($0, sequence) }) {
                inFlight[sequence] = nil
                kept += item.records.filter { !isRevoked($0, sequence) }
            }
        }
        let pendingGroups = Set(pendingChunks.map(\.group))
        for group in pendingGroups.sorted() {
            if let state = chunkGroups[group], isRevoked(state.record, group) { cancelChunkGroup(group, withdrawn: 0) }
        }
        return kept
    }

    /// Whether chunks of a split record wait to be sent.
    public var hasPendingChunks: Bool { !pendingChunks.isEmpty }

    /// Puts records taken out of withdrawn messages back at the end of the queue, past the lane's bounds if need
    /// be (they were admitted once already). They are packed anew, with new sequence numbers.
    public mutating func requeue(_ records: [SourceRecord], now: Instant) {
        for record in records {
            let entry = packer.encode(record)
            _ = queue.append(QueuedRecord(record: record, entry: entry, enqueuedAt: now, conflationKey: nil))
            queuedRecords += 1
            queuedBytes += entry.count
        }
    }
}
