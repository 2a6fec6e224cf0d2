import DequeModule

/// Streams coming and going: a stream's state is made on its first record and, for a keyed route, released once it
/// has been idle for `idleAfter` (or at once when its route is at `maxActiveStreams` and a new stream needs room).
/// Released streams are remembered in `KnownStreams`, so a returning key costs no create request; creates go
/// through the account-wide `CreateLimiter`.
extension RelayEngine {
    /// Per route (by its label: the template of a keyed route, the stream name otherwise): streams with state, the
    /// lane depth totals reported for metrics, and the keyed streams that went idle, oldest first (entries whose
    /// stream is busy again or gone are skipped).
    struct RouteState: Sendable {
        var active = 0
        var depth = LaneDepth()
        var idle = Deque<(slot: Int, since: Instant)>()
    }

    /// Makes the state of a new stream for `route` in a free slot.
    mutating func addStream(_ route: StreamRouter.Route, topic: String, now: Instant) -> Int {
        let keyed = route.settings.stream.isKeyed && route.unroutable == nil
        let template = route.unroutable == nil ? route.settings.stream : route.settings.fallbackStream!
        let remembered = known.take(route.name)
        let epoch = keyed ? lifeEpoch(after: remembered?.epoch, now: now) : settings.epoch
        let fedByOnePartition = template.isFedByOnePartition
        let lane = StreamLane(
            settings: route.settings.laneSettings(
                deadLetterDrops: settings.deadLetters && route.settings.oversize == .deadLetter),
            packer: route.settings.packer(epoch: epoch),
            pacer: StreamPacer(settings: route.settings.pacerSettings(share: 1))  // `applyBudget` sets the share
        )
        var stream = EngineStream(
            name: route.name, topic: topic, label: route.label, keyed: keyed, fedByOnePartition: fedByOnePartition,
            epoch: epoch, settings: route.settings, lane: lane)
        stream.generation = configurationGeneration
        if let remembered, let setAt = remembered.ttlSetAt,
            route.settings.ttl == .zero || now - setAt < route.settings.ttl
        {
            stream.existence = .exists  // still there: no create request
            stream.lastTTLRefresh = setAt
        }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            streams[slot] = stream
        } else {
            slot = streams.count
            streams.append(stream)
        }
        slotByName[route.name] = slot
        routes[route.label, default: RouteState()].active += 1
        return slot
    }

    /// The epoch of a keyed stream's new life: the wall-clock milliseconds since its numbering began (the run's
    /// epoch plus the time since the engine's first event), and always above its previous life's.
    func lifeEpoch(after previous: UInt64?, now: Instant) -> UInt64? {
        guard let epoch = settings.epoch else { return nil }
        let elapsed = max(0, (now.nanoseconds &- (startedAt ?? now).nanoseconds) / 1_000_000)
        let candidate = epoch &+ UInt64(elapsed)
        guard let previous else { return candidate }
        return max(candidate, previous &+ 1)
    }

    /// Whether a new stream of `route` has room under its route's `maxActiveStreams`, releasing the route's
    /// longest-idle stream if that makes room.
    mutating func makeRoom(for route: StreamRouter.Route, now: Instant, into actions: inout [EngineAction]) -> Bool {
        guard route.settings.stream.isKeyed, route.unroutable == nil else { return true }
        guard (routes[route.label]?.active ?? 0) >= route.settings.maxActiveStreams else { return true }
        while let entry = routes[route.label]?.idle.first {
            guard let stream = streams[entry.slot], stream.label == route.label, stream.idleSince == entry.since,
                stream.isReleasable
            else {
                routes[route.label]!.idle.removeFirst()
                continue
            }
            // A stream answered less than a second ago may still count in Twilio's window: a fresh pacer for its
            // key could exceed the rate. Look again when it is old enough.
            guard now - entry.since >= Self.pacerWindow else {
                scheduler.schedule(.resumeCheck, at: entry.since + Self.pacerWindow)
                return false
            }
            routes[route.label]!.idle.removeFirst()
            release(entry.slot, into: &actions)
            return true
        }
        return false
    }

    /// Twilio's one-second rate window and a margin: a stream idle this long since its last answer has no message
    /// left in any window a new life's first messages could share.
    static let pacerWindow = Duration.milliseconds(1100)

    /// Notes whether keyed stream `slot` is idle (since when), and returns when it may be released (nil while a
    /// request of its own is under way: the answer looks again).
    mutating func noteIdleness(_ slot: Int, now: Instant) -> Instant? {
        guard streams[slot]!.keyed else { return nil }
        guard streams[slot]!.isIdle else {
            streams[slot]!.idleSince = nil
            return nil
        }
        let label = streams[slot]!.label
        if streams[slot]!.idleSince == nil {
            streams[slot]!.idleSince = now
            routes[label, default: RouteState()].idle.append((slot, now))
            let route = routes[label]!
            if route.idle.count > 2 * route.active + 64 {
                let streams = self.streams
                routes[label]!.idle = Deque(
                    route.idle.filter { streams[$0.slot]?.label == label && streams[$0.slot]?.idleSince == $0.since })
            }
        }
        guard streams[slot]!.isReleasable else { return nil }
        return streams[slot]!.idleSince! + max(streams[slot]!.settings.idleAfter, Self.pacerWindow)
    }

    /// Releases stream `slot`'s state (it is releasable), remembering that it exists at Twilio.
    mutating func release(_ slot: Int, into actions: inout [EngineAction]) {
        let stream = streams[slot]!
        let ttlSetAt: Instant? = stream.existence == .exists ? stream.lastTTLRefresh : nil
        known.remember(stream.name, KnownStreams.Entry(ttlSetAt: ttlSetAt, epoch: stream.epoch))
        for partition in stream.partitions { feeding[partition]?.remove(slot) }
        if !draining.isEmpty {
            for partition in Array(draining.keys) { draining[partition]?.remove(slot) }
        }
        slotByName[stream.name] = nil
        streams[slot] = nil
        freeSlots.append(slot)
        routes[stream.label]!.active -= 1
        routes[stream.label]!.depth = routes[stream.label]!.depth - stream.reportedDepth
        actions.append(.report(.streamReleased(route: stream.label, active: routes[stream.label]!.active)))
        if !paused.isEmpty { resumeCheckNeeded = true }
    }

    /// Reports stream `slot`'s lane depth, as its route's totals (a keyed route's streams share one label).
    mutating func reportDepth(_ slot: Int, into actions: inout [EngineAction]) {
        let stream = streams[slot]!
        let depth = LaneDepth(
            records: stream.lane.queuedRecords, bytes: stream.lane.queuedBytes, inFlight: stream.lane.inFlightCount)
        let totals = routes[stream.label]!.depth - stream.reportedDepth + depth
        routes[stream.label]!.depth = totals
        streams[slot]!.reportedDepth = depth
        actions.append(
            .report(
                .laneDepth(
                    stream: stream.label, records: totals.records, bytes: totals.bytes, inFlight: totals.inFlight)
            ))
    }

    // MARK: Creates

    /// Asks for stream `slot` to be created when the create limiter has a token, else queues it for one (`first`:
    /// at the head of the queue, for a create Twilio refused with 429).
    mutating func create(
        _ slot: Int, recreate: Bool, first: Bool = false, now: Instant, into actions: inout [EngineAction]
    ) {
        guard createWaiting.isEmpty, creates.take(now: now) else {
            if !streams[slot]!.waitingForCreate {
                streams[slot]!.waitingForCreate = true
                streams[slot]!.existence = .createBackoff(retryAt: .distantFuture, recreate: recreate)
                if first { createWaiting.prepend(slot) } else { createWaiting.append(slot) }
            }
            scheduleCreates(now: now)
            return
        }
        requestCreate(slot, recreate: recreate, into: &actions)
    }

    /// Creates queued streams while the limiter has tokens; schedules the next look.
    mutating func admitCreateWaiters(now: Instant, into actions: inout [EngineAction]) {
        createsScheduledAt = nil
        while let slot = createWaiting.first {
            guard streams[slot]?.waitingForCreate == true else {
                createWaiting.removeFirst()
                continue
            }
            guard creates.take(now: now) else { break }
            createWaiting.removeFirst()
            streams[slot]!.waitingForCreate = false
            guard case .createBackoff(_, let recreate) = streams[slot]!.existence else { continue }
            requestCreate(slot, recreate: recreate, into: &actions)
        }
        if !createWaiting.isEmpty { scheduleCreates(now: now) }
    }

    private mutating func scheduleCreates(now: Instant) {
        let at = creates.nextToken(now: now)
        if let scheduled = createsScheduledAt, scheduled <= at { return }
        createsScheduledAt = at
        scheduler.schedule(.creates, at: at)
    }

    mutating func requestCreate(_ slot: Int, recreate: Bool, into actions: inout [EngineAction]) {
        streams[slot]!.existence = .creating(recreate: recreate)
        let stream = streams[slot]!
        actions.append(.createStream(name: stream.name, ttl: stream.settings.ttl, recreate: recreate))
    }
}
