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
    /// false when the lane refused it (`block`): the caller holds it and pauses the partition.
    mutating func offer(_ record: SourceRecord, now: Instant, into actions: inout [EngineAction]) -> Bool {
        let partition = record.topicPartition
        let route: (name: String, settings: StreamSettings)
        switch router.route(topic: record.topic, partition: record.partition) {
        case .failure(let error):
            actions.append(.report(.unroutable(topic: record.topic, reason: error.reason)))
            let drop = DroppedRecord(record: record, reason: .invalidStreamName, deadLetter: false)
            actions.append(.report(.dropped(stream: Self.unroutableStream, drops: [drop])))
            markDone(record)
            return true
        case .success(let success):
            route = success
        }
        let slot = slotByName[route.name] ?? addStream(named: route.name, topic: record.topic, settings: route.settings)
        if streams[slot]!.generation != configurationGeneration, streams[slot]!.topic == record.topic {
            apply(route.settings, to: slot, now: now, into: &actions)
        } else if let packer = streams[slot]!.pendingPacker {
            replacePacker(packer, of: slot, into: &actions)
        }
        let result = streams[slot]!.lane.offer(record, now: now)
        streams[slot]!.partitions.insert(partition)
        feeding[partition, default: []].insert(slot)
        if !result.dropped.isEmpty { settle(result.dropped, slot: slot, into: &actions) }
        if result.shouldPause { paused.formUnion(streams[slot]!.partitions) }
        reschedule(slot, now: now)
        return result.disposition != .refused
    }

    /// The `stream` label of records that no stream could take.
    static let unroutableStream = "_unroutable"

    private mutating func addStream(named name: String, topic: String, settings streamSettings: StreamSettings) -> Int {
        let share = assignment.share(of: topic)
        let lane = StreamLane(
            settings: streamSettings.laneSettings(
                deadLetterDrops: settings.deadLetters && streamSettings.oversize == .deadLetter),
            packer: streamSettings.packer(epoch: settings.epoch),
            pacer: StreamPacer(settings: streamSettings.pacerSettings(share: share > 0 ? share : 1))
        )
        let slot = streams.count
        var stream = EngineStream(name: name, topic: topic, settings: streamSettings, lane: lane)
        stream.generation = configurationGeneration
        streams.append(stream)
        slotByName[name] = slot
        return slot
    }

    /// Dead-letters (when asked and configured) or counts dropped records; counted ones are done at once,
    /// dead-lettered ones once the dead-letter topic acknowledges them.
    mutating func settle(_ drops: [DroppedRecord], slot: Int, into actions: inout [EngineAction]) {
        let name = streams[slot]!.name
        var counted: [DroppedRecord] = []
        for drop in drops {
            if drop.deadLetter && settings.deadLetters {
                let letter = DeadLetter(id: nextDeadLetterID, record: drop.record, reason: drop.reason, stream: name)
                nextDeadLetterID &+= 1
                deadLetters[letter.id] = PendingDeadLetter(letter: letter, slot: slot)
                streams[slot]!.deadLettersPending += 1
                actions.append(.deadLetter(letter))
            } else {
                counted.append(drop)
                markDone(drop.record)
            }
        }
        if !counted.isEmpty { actions.append(.report(.dropped(stream: name, drops: counted))) }
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
            let lanesHaveRoom = (feeding[partition] ?? []).allSatisfy { streams[$0]!.lane.canResume }
            if queue.isEmpty, lanesHaveRoom, tracker.canResume(partition) { resumable.append(partition) }
        }
        paused.subtract(resumable)
    }
}
