extension StreamLane {
    /// What to do at `now`: publish a message (a due retry first, then the next chunk of a split record, then a new
    /// batch with as many queued records as fit), or wait.
    ///
    /// A message goes out only with a pacer token and, unless it is a retry, a free in-flight slot. Expired records
    /// (`maxAge`) are dropped when their turn comes, while the batch is built. `roundTripFloor` is the fastest
    /// recent round trip of any stream (nanoseconds), from which the arrival guard measures excess latency
    /// (`ArrivalGuard.earliestSend(roundTripFloor:)`).
    public mutating func nextStep(now: Instant, roundTripFloor: Int64? = nil) -> LaneStep {
        var dropped: [DroppedRecord] = []
        let retryDue = dueRetry(now: now)
        let windowOpen = inFlight.count < settings.maxInFlight
        let hasNew = !pendingChunks.isEmpty || queuedRecords > 0
        guard retryDue != nil || (windowOpen && hasNew) else {
            pacerHeldSince = nil
            return LaneStep(message: nil, dropped: dropped, wakeAt: earliestRetry())
        }
        guard pacer.canAdmit(now: now, roundTripFloor: roundTripFloor) else {
            if pacerHeldSince == nil { pacerHeldSince = now }
            return LaneStep(
                message: nil, dropped: dropped, wakeAt: pacer.nextAdmission(now: now, roundTripFloor: roundTripFloor))
        }
        let ticket = pacer.nextTicket
        if let sequence = retryDue {
            let wait = admit(now: now, roundTripFloor: roundTripFloor)
            inFlight[sequence]!.ticket = ticket
            inFlight[sequence]!.retryAt = nil
            inFlight[sequence]!.message.previousAttempts += 1
            return LaneStep(message: inFlight[sequence]!.message, dropped: dropped, wakeAt: nil, pacerWait: wait)
        }
        if let message = takePendingChunk() {
            let wait = admit(now: now, roundTripFloor: roundTripFloor)
            inFlight[message.sequence]?.ticket = ticket
            return LaneStep(message: message, dropped: dropped, wakeAt: nil, pacerWait: wait)
        }
        guard let message = buildMessage(now: now, dropped: &dropped) else {
            pacerHeldSince = nil
            return LaneStep(message: nil, dropped: dropped, wakeAt: earliestRetry())
        }
        let wait = admit(now: now, roundTripFloor: roundTripFloor)
        inFlight[message.sequence]?.ticket = ticket
        return LaneStep(message: message, dropped: dropped, wakeAt: nil, pacerWait: wait)
    }

    /// Takes the pacer's token; returns how long the message it admits was held for it.
    private mutating func admit(now: Instant, roundTripFloor: Int64?) -> Duration {
        pacer.admit(now: now, roundTripFloor: roundTripFloor)
        defer { pacerHeldSince = nil }
        return pacerHeldSince.map { now - $0 } ?? .zero
    }

    /// When `nextStep` would next hand out a message, without taking anything: `now` (or earlier) if one could go at
    /// once, nil if nothing is waiting to go. The engine schedules the stream for it, so an acknowledgement moves the
    /// stream's scheduler entry only when it changes that time (an ack lets a held window slot or the arrival guard
    /// go earlier; most do neither). It can be earlier than the next message (a batch whose records all expired),
    /// never later.
    public func nextWake(now: Instant, roundTripFloor: Int64? = nil) -> Instant? {
        let windowOpen = inFlight.count < settings.maxInFlight
        let hasNew = !pendingChunks.isEmpty || queuedRecords > 0
        // A new message can go at the next admission; a retry needs that admission too, so it cannot go earlier.
        guard windowOpen && hasNew else { return earliestRetry() }
        return pacer.nextAdmission(now: now, roundTripFloor: roundTripFloor)
    }

    /// `nextWake`, for a caller that schedules the lane's next step by it: when a message is ready at `now` (records
    /// queued, an in-flight slot free) but its pacer token comes later, the lane notes that the message is held for
    /// the pacer from `now`, so its `LaneStep.pacerWait` counts the wait even though no `nextStep` ran before the
    /// token came.
    public mutating func nextWakeNotingPacerHold(now: Instant, roundTripFloor: Int64? = nil) -> Instant? {
        let wake = nextWake(now: now, roundTripFloor: roundTripFloor)
        let windowOpen = inFlight.count < settings.maxInFlight
        let hasNew = !pendingChunks.isEmpty || queuedRecords > 0
        if windowOpen && hasNew, let wake, wake > now, pacerHeldSince == nil { pacerHeldSince = now }
        return wake
    }

    /// The earliest in-flight message waiting to be retried whose time has come.
    private func dueRetry(now: Instant) -> UInt64? {
        var best: (sequence: UInt64, at: Instant)?
        for (sequence, item) in inFlight {
            guard let at = item.retryAt, at <= now else { continue }
            if best == nil || at < best!.at || (at == best!.at && sequence < best!.sequence) { best = (sequence, at) }
        }
        return best?.sequence
    }

    private func earliestRetry() -> Instant? {
        inFlight.values.compactMap(\.retryAt).min()
    }

    /// The next chunk of a split record, moved into the window.
    private mutating func takePendingChunk() -> OutgoingMessage? {
        while let (message, group) = pendingChunks.popFirst() {
            guard chunkGroups[group]?.abandoned == false else { continue }
            inFlight[message.sequence] = InFlightMessage(message: message, records: [], chunkGroup: group)
            return message
        }
        return nil
    }

    /// What the head of the queue allows while a batch is built.
    private enum HeadVerdict {
        case appended, full, expired, oversize
    }

    /// Builds the next message from the queue: a batch, or the first chunk of an oversize record at the head.
    /// The head is inspected in place and only moved out once it is taken, so no record is copied needlessly.
    private mutating func buildMessage(now: Instant, dropped: inout [DroppedRecord]) -> OutgoingMessage? {
        var builder = packer.makeBuilder(sequence: nextSequence)
        var records: [SourceRecord] = []
        records.reserveCapacity(min(queuedRecords, 64))
        let maxAge = settings.maxAge
        let packer = packer
        while true {
            let verdict = queue.withFirst { head -> HeadVerdict in
                if let maxAge, now - head.enqueuedAt > maxAge { return .expired }
                if !packer.fitsAlone(entryLength: head.entry.count) { return .oversize }
                return builder.append(entry: head.entry) ? .appended : .full
            }
            guard let verdict, verdict != .full else { break }
            if verdict == .oversize && builder.recordCount > 0 { break }
            guard let head = popQueued() else { break }
            switch verdict {
            case .appended:
                records.append(head.record)
            case .expired:
                dropped.append(
                    DroppedRecord(record: head.record, reason: .expired, deadLetter: settings.deadLetterDrops))
            case .oversize:
                guard let chunks = packer.split(entry: head.entry, firstSequence: nextSequence) else {
                    // To the dead-letter topic when one is configured.
                    dropped.append(
                        DroppedRecord(record: head.record, reason: .oversize, deadLetter: true))
                    continue
                }
                let group = nextSequence
                nextSequence &+= UInt64(chunks.count)
                chunkGroups[group] = ChunkGroup(record: head.record, unacknowledged: chunks.count)
                for (index, data) in chunks.enumerated() {
                    let message = OutgoingMessage(
                        sequence: group &+ UInt64(index), data: data, recordCount: index == chunks.count - 1 ? 1 : 0,
                        chunk: ChunkPosition(index: index, count: chunks.count))
                    pendingChunks.append((message, group))
                }
                return takePendingChunk()
            case .full:
                break
            }
        }
        guard builder.recordCount > 0 else { return nil }
        let sequence = nextSequence
        nextSequence &+= 1
        let message = OutgoingMessage(sequence: sequence, data: builder.finish(), recordCount: records.count)
        inFlight[sequence] = InFlightMessage(message: message, records: records, chunkGroup: nil)
        return message
    }
}
