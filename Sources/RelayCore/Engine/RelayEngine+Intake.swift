/// Records in: tracking, routing, offering to lanes, holding under back-pressure, settling drops, marking done.
extension RelayEngine {
    mutating func receive(_ records: [SourceRecord], now: Instant, into actions: inout [EngineAction]) {
        var consumed: [String: Int] = [:]
        for record in records {
            switch flow.receive(record) {
            case .ignored, .held(counted: false):
                continue
            case .held(counted: true):
                consumed[record.topic, default: 0] += 1
            case .offer:
                consumed[record.topic, default: 0] += 1
                if !offer(record, now: now, into: &actions) { flow.holdRefused(record) }
            }
        }
        for (topic, count) in consumed.sorted(by: { $0.key < $1.key }) {
            actions.append(.report(.consumed(topic: topic, count: count)))
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
        if let snapshot = router.settings(forTopic: record.topic).snapshot, !snapshot.stream {
            offerSnapshot(
                record, decoded: document, route: router.settings(forTopic: record.topic), now: now, into: &actions)
            return true
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
        let slot: Int
        let isNew: Bool
        if let known = streams.slot(named: route.name) {
            slot = known
            isNew = false
        } else {
            guard makeRoom(for: route, now: now, into: &actions) else { return false }
            slot = addStream(route, topic: record.topic, now: now)
            isNew = true
            if streams[slot].keyed {
                actions.append(.report(.streamActivated(route: route.label, active: streams.active(in: route.label))))
            }
        }
        if streams[slot].generation != configurationGeneration, streams[slot].topic == record.topic {
            apply(route.settings, to: slot, now: now, into: &actions)
        } else if let packer = streams[slot].pendingPacker {
            replacePacker(packer, of: slot, into: &actions)
        }
        let snapshot = route.settings.snapshot != nil
        if snapshot { flow.expectParts(record, count: 2) }
        let result = streams[slot].lane.offer(record, now: now)
        if streams[slot].partitions.insert(partition).inserted, streams[slot].fedByOnePartition || isNew {
            applyBudget(slot, now: now, into: &actions)
        }
        flow.feeds(partition, slot: slot)
        if !result.dropped.isEmpty { settle(result.dropped, slot: slot, into: &actions) }
        if result.shouldPause { flow.pause(streams[slot].partitions) }
        reschedule(slot, now: now)
        guard result.disposition != .refused else {
            if snapshot { flow.cancelParts(record) }
            return false
        }
        if snapshot { offerSnapshot(record, decoded: document, route: route.settings, now: now, into: &actions) }
        return true
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
            actions.append(.report(.dropped(label: Self.unroutableStream, drops: [drop])))
            flow.markDone(record)
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
        settle(drops, slot: slot, label: streams[slot].label, into: &actions)
    }

    /// `settle` for the records of stream `slot`, or (nil) of no stream, reported under `label`.
    mutating func settle(_ drops: [DroppedRecord], slot: Int?, label: String, into actions: inout [EngineAction]) {
        let name = slot.map { streams[$0].name } ?? label
        var counted: [DroppedRecord] = []
        for drop in drops {
            if drop.deadLetter && settings.deadLetters {
                actions.append(.deadLetter(deadLetters.open(drop, stream: name, slot: slot, label: label)))
                if let slot { streams[slot].deadLettersPending += 1 }
            } else {
                counted.append(drop)
                flow.markDone(drop.record)
            }
        }
        if !counted.isEmpty { actions.append(.report(.dropped(label: label, drops: counted))) }
    }

    /// Offers the held records of `partitions` (paused) again where their lanes have room, and resumes the
    /// partitions whose held records all went in and whose lanes and outstanding counts are at most half their
    /// bounds.
    mutating func resumeDrainedPartitions(
        _ partitions: [TopicPartition], now: Instant, into actions: inout [EngineAction]
    ) {
        var resumable: [TopicPartition] = []
        for partition in partitions {
            var queue = flow.takeHeld(partition)
            while let record = flow.firstReady(of: &queue) {
                guard offer(record, now: now, into: &actions) else { break }
                queue.removeFirst()
            }
            flow.putBack(queue, of: partition)
            // The lanes are looked at last: a partition may feed thousands of keyed streams.
            guard queue.isEmpty, flow.tracker.canResume(partition) else { continue }
            if flow.slots(fedBy: partition).allSatisfy({ streams.laneCanResume($0) }) { resumable.append(partition) }
        }
        flow.resume(resumable)
    }
}
