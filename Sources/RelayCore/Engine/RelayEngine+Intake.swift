/// Records in: tracking, routing, offering to lanes, holding under back-pressure, settling drops, marking done.
extension RelayEngine {
    mutating func receive(_ records: [SourceRecord], now: Instant, into actions: inout [EngineAction]) {
        var consumed: [String: Int] = [:]
        for record in records {
            let partition = record.topicPartition
            switch tracker.receive(partition, offset: record.offset) {
            case .unassigned, .duplicate:
                continue
            case .full:
                // Too many records outstanding: hold the record (untracked: it is received when offered again).
                held[partition, default: []].append(HeldRecord(record: record, received: false))
                paused.insert(partition)
                continue
            case .tracked:
                break
            }
            consumed[record.topic, default: 0] += 1
            if stopping || held[partition] != nil {
                held[partition, default: []].append(HeldRecord(record: record, received: true))  // keeps order
                paused.insert(partition)
                continue
            }
            if !offer(record, now: now, into: &actions) {
                held[partition, default: []].append(HeldRecord(record: record, received: true))
                paused.insert(partition)
            }
        }
        for topic in consumed.keys.sorted() {
            actions.append(.report(.consumed(topic: topic, count: consumed[topic]!)))
        }
    }

    /// Offers `record` (already tracked) to its stream's lane, creating the stream's state on first use. Returns
    /// false when the lane refused it (`block`), or when its keyed route is at `maxActiveStreams` with no idle stream
    /// to release: the caller holds it and pauses the partition.
    mutating func offer(_ consumed: SourceRecord, now: Instant, into actions: inout [EngineAction]) -> Bool {
        let partition = consumed.topicPartition
        let record: SourceRecord
        let document: JSONValue?
        switch prepare(consumed, now: now, into: &actions) {
        case .settled: return true
        case .waiting: return false
        case .ready(let prepared, let decoded):
            record = prepared
            document = decoded
        }
        let route: StreamRouter.Route
        switch router.route(record, decoded: document) {
        case .failure(let error):
            unroutable(record, error, into: &actions)
            return true
        case .success(let success):
            route = success
        }
        if let reason = route.unroutable {
            actions.append(
                .report(.unroutable(route: route.settings.stream.text, topic: record.topic, reason: reason.rawValue)))
        }
        var slot: Int
        var isNew = false
        if let known = slotByName[route.name] {
            slot = known
        } else {
            isNew = true
            guard makeRoom(for: route, now: now, into: &actions) else { return false }
            slot = addStream(route, topic: record.topic, now: now)
            if streams[slot]!.keyed {
                actions.append(.report(.streamActivated(route: route.label, active: routes[route.label]!.active)))
            }
        }
        if streams[slot]!.generation != configurationGeneration, streams[slot]!.topic == record.topic {
            apply(route.settings, to: slot, now: now, into: &actions)
        } else if let packer = streams[slot]!.pendingPacker {
            replacePacker(packer, of: slot, into: &actions)
        }
        let result = streams[slot]!.lane.offer(record, now: now)
        if streams[slot]!.partitions.insert(partition).inserted, streams[slot]!.fedByOnePartition || isNew {
            applyBudget(slot, now: now, into: &actions)
        }
        feeding[partition, default: []].insert(slot)
        if !result.dropped.isEmpty { settle(result.dropped, slot: slot, into: &actions) }
        if result.shouldPause { paused.formUnion(streams[slot]!.partitions) }
        reschedule(slot, now: now)
        return result.disposition != .refused
    }

    /// A record no stream takes: dead-lettered or dropped by its route's `unroutable` policy (a keyed template that
    /// cannot render it), or dropped as `invalid-stream-name` (its topic makes the template render an invalid name).
    private mutating func unroutable(
        _ record: SourceRecord, _ error: StreamRouter.RouteError, into actions: inout [EngineAction]
    ) {
        actions.append(
            .report(
                .unroutable(
                    route: error.label, topic: record.topic,
                    reason: error.unroutable?.rawValue ?? DropReason.invalidStreamName.rawValue)))
        guard error.unroutable != nil else {
            let drop = DroppedRecord(record: record, reason: .invalidStreamName, deadLetter: false)
            actions.append(.report(.dropped(stream: Self.unroutableStream, drops: [drop])))
            markDone(record)
            return
        }
        let policy = error.settings.unroutable ?? (settings.deadLetters ? .deadLetter : .drop)
        let drop = DroppedRecord(record: record, reason: .unroutable, deadLetter: policy != .drop)
        settle([drop], slot: nil, label: error.label, into: &actions)
    }

    /// The `stream` label of records that no stream could take.
    static let unroutableStream = "_unroutable"

    /// Dead-letters (when asked and configured) or counts dropped records; counted ones are done at once,
    /// dead-lettered ones once the dead-letter topic acknowledges them.
    mutating func settle(_ drops: [DroppedRecord], slot: Int, into actions: inout [EngineAction]) {
        settle(drops, slot: slot, label: streams[slot]!.label, into: &actions)
    }

    /// `settle` for the records of stream `slot`, or (nil) of no stream, reported under `label`.
    mutating func settle(_ drops: [DroppedRecord], slot: Int?, label: String, into actions: inout [EngineAction]) {
        let name = slot.map { streams[$0]!.name } ?? label
        var counted: [DroppedRecord] = []
        for drop in drops {
            if drop.deadLetter && settings.deadLetters {
                let letter = DeadLetter(
                    id: nextDeadLetterID, record: drop.record, reason: drop.reason, stream: name, detail: drop.detail)
                nextDeadLetterID &+= 1
                deadLetters[letter.id] = PendingDeadLetter(letter: letter, slot: slot, label: label)
                if let slot { streams[slot]!.deadLettersPending += 1 }
                actions.append(.deadLetter(letter))
            } else {
                counted.append(drop)
                markDone(drop.record)
            }
        }
        if !counted.isEmpty { actions.append(.report(.dropped(stream: label, drops: counted))) }
    }

    /// Marks `record`'s offset done (ignored when its partition was revoked meanwhile).
    mutating func markDone(_ record: SourceRecord) {
        tracker.markDone(record.topicPartition, offset: record.offset)
        if !paused.isEmpty { resumeCheckNeeded = true }
    }

    /// Offers held records of paused partitions again where their lanes have room, and un-pauses the partitions
    /// whose held records all went in and whose lanes and outstanding counts are at most half their bounds.
    mutating func resumeDrainedPartitions(now: Instant, into actions: inout [EngineAction]) {
        guard !stopping, !paused.isEmpty else { return }
        var resumable: [TopicPartition] = []
        for partition in paused.sorted(by: Self.inOrder) {
            var queue = held.removeValue(forKey: partition) ?? []
            while let first = queue.first {
                if !first.received {
                    switch tracker.receive(partition, offset: first.record.offset) {
                    case .full:
                        break
                    case .unassigned, .duplicate:
                        queue.removeFirst()
                        continue
                    case .tracked:
                        queue[queue.startIndex].received = true
                    }
                    if !queue[queue.startIndex].received { break }
                }
                guard offer(first.record, now: now, into: &actions) else { break }
                queue.removeFirst()
            }
            if !queue.isEmpty { held[partition] = queue }
            let lanesHaveRoom = (feeding[partition] ?? []).allSatisfy { streams[$0]?.lane.canResume ?? true }
            if queue.isEmpty, lanesHaveRoom, tracker.canResume(partition) { resumable.append(partition) }
        }
        paused.subtract(resumable)
    }
}
