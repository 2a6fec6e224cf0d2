/// Streams coming and going: a stream's state is made on its first record and, for a keyed route, released once it
/// has been idle for `idleAfter` (or at once when its route is at `maxActiveStreams` and a new stream needs room).
/// Released streams are remembered by the `StreamTable`, so a returning key costs no create request; creates go
/// through the `PublishGate`'s create queue.
extension RelayEngine {
    /// Makes the state of a new stream for `route` in a free slot.
    mutating func addStream(_ route: StreamRouter.Route, topic: String, now: Instant) -> Int {
        let keyed = route.settings.stream.isKeyed && route.unroutable == nil
        let template =
            route.unroutable == nil ? route.settings.stream : route.settings.fallbackStream ?? route.settings.stream
        let remembered = streams.takeKnown(route.name)
        let epoch = keyed ? lifeEpoch(after: remembered?.epoch, now: now) : settings.epoch
        let lane = StreamLane(
            settings: route.settings.laneSettings(
                deadLetterDrops: settings.deadLetters && route.settings.oversize == .deadLetter),
            packer: route.settings.packer(epoch: epoch),
            pacer: StreamPacer(settings: route.settings.pacerSettings(share: 1))  // `applyBudget` sets the share
        )
        var stream = EngineStream(
            name: route.name, topic: topic, label: route.label, keyed: keyed,
            fedByOnePartition: template.isFedByOnePartition, epoch: epoch, settings: route.settings, lane: lane)
        stream.generation = configurationGeneration
        if let remembered, let setAt = remembered.ttlSetAt,
            route.settings.ttl == .zero || now - setAt < route.settings.ttl
        {
            stream.phase = .exists  // still there: no create request
            stream.ttl.setAt = setAt
        }
        return streams.insert(stream)
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
        switch streams.room(in: route.label, maxActiveStreams: route.settings.maxActiveStreams, now: now) {
        case .available:
            return true
        case .byReleasing(let slot):
            release(slot, into: &actions)
            return true
        case .lookAgain(let at):
            scheduler.schedule(.resumeCheck, at: at)
            return false
        case .full:
            return false
        }
    }

    /// Twilio's one-second rate window and a margin: a stream idle this long since its last answer has no message
    /// left in any window a new life's first messages could share.
    static let pacerWindow = Duration.milliseconds(1100)

    /// Releases stream `slot`'s state (it is releasable), remembering that it exists at Twilio.
    mutating func release(_ slot: Int, into actions: inout [EngineAction]) {
        let (stream, active) = streams.release(slot)
        flow.forget(slot, fedBy: stream.partitions)
        actions.append(.report(.streamReleased(route: stream.label, active: active)))
    }

    /// Reports stream `slot`'s lane depth, as its route's totals (a keyed route's streams share one label).
    mutating func reportDepth(_ slot: Int, into actions: inout [EngineAction]) {
        let totals = streams.noteDepth(slot)
        actions.append(
            .report(
                .laneDepth(
                    label: streams[slot].label, records: totals.records, bytes: totals.bytes,
                    inFlight: totals.inFlight)))
    }

    // MARK: Creates

    /// Asks for stream `slot` to be created when the gate has a create token, else queues it for one (`first`: at
    /// the head of the queue, for a create Twilio refused with 429).
    mutating func create(
        _ slot: Int, recreate: Bool, first: Bool = false, now: Instant, into actions: inout [EngineAction]
    ) {
        guard gate.takeCreateToken(now: now) else {
            if case .queuedForCreate = streams[slot].phase {
            } else {
                streams[slot].phase = .queuedForCreate(recreate: recreate)
                gate.queueForCreate(slot, first: first)
            }
            scheduleCreates(now: now)
            return
        }
        requestCreate(slot, recreate: recreate, into: &actions)
    }

    /// Creates queued streams while the gate has tokens; schedules the next look.
    mutating func admitCreateWaiters(now: Instant, into actions: inout [EngineAction]) {
        while let slot = gate.firstQueuedCreate {
            guard case .queuedForCreate(let recreate) = streams.phase(slot) else {
                gate.removeFirstQueuedCreate()  // released, or no longer waiting
                continue
            }
            guard gate.takeQueuedCreateToken(now: now) else { break }
            gate.removeFirstQueuedCreate()
            requestCreate(slot, recreate: recreate, into: &actions)
        }
        if gate.hasCreatesWaiting { scheduleCreates(now: now) }
    }

    private mutating func scheduleCreates(now: Instant) {
        if let at = gate.createsWake(now: now) { scheduler.schedule(.creates, at: at) }
    }

    mutating func requestCreate(_ slot: Int, recreate: Bool, into actions: inout [EngineAction]) {
        streams[slot].phase = .creating(recreate: recreate)
        actions.append(.createStream(name: streams[slot].name, ttl: streams[slot].settings.ttl, recreate: recreate))
    }
}
