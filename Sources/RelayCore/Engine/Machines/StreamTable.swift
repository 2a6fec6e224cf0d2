import DequeModule

/// Every stream with state, by slot: a stream's slot is its identity inside the engine (the scheduler, the
/// partitions' feeding sets and the queues name slots), reused after the stream is released. It also keeps, per
/// route, how many streams have state, their lane depth totals and the keyed streams gone idle, oldest first; and
/// the released streams known to exist at Twilio (`KnownStreams`), so a returning key costs no create request.
///
/// `table[slot]` is the stream in `slot` and traps, naming the slot, when there is none: a slot is used only while
/// its stream lives (`isScheduled`, `phase` and the other looks ask of a slot that may be free). It modifies in
/// place (`_modify`) and reads with a plain getter. A `_read` that yielded `slots[slot]!` read freed memory: the
/// unwrapped stream is a temporary in the coroutine's frame, and the caller went on reading the yielded stream's
/// fields after the frame was freed (AddressSanitizer, `streams[slot].lane.pacer.settings.share`, a debug build;
/// the relay crashed in `swift_release` under the fault suite). The getter returns a value the caller owns; the
/// looks below read one field in place, for the scans that look at many streams.
struct StreamTable: Sendable {
    /// One route's streams (by its label: the template of a keyed route, the stream name otherwise).
    struct RouteState: Sendable {
        /// Streams with state.
        var active = 0
        /// Their lane depths as last reported.
        var depth = LaneDepth()
        /// Keyed streams that went idle, oldest first (entries whose stream is busy again or gone are skipped).
        var idle = Deque<(slot: Int, since: Instant)>()
    }

    /// Whether a new stream of a keyed route fits under its `maxActiveStreams`.
    enum Room: Sendable, Equatable {
        /// It fits.
        case available
        /// It fits once the stream in `slot` (the longest idle) is released.
        case byReleasing(slot: Int)
        /// The longest-idle stream is too recently answered: look again at `at`.
        case lookAgain(at: Instant)
        /// Every stream of the route is busy.
        case full
    }

    private var slots: [EngineStream?] = []
    private var slotByName: [String: Int] = [:]
    private var freeSlots: [Int] = []
    private(set) var routes: [String: RouteState] = [:]
    private var known: KnownStreams

    /// A table remembering up to `knownCapacity` released streams.
    init(knownCapacity: Int) { known = KnownStreams(capacity: knownCapacity) }

    /// The stream in `slot`; traps when the slot is free.
    subscript(slot: Int) -> EngineStream {
        get {
            guard let stream = slots[slot] else { preconditionFailure("no stream in slot \(slot)") }
            return stream
        }
        _modify {
            precondition(slots[slot] != nil, "no stream in slot \(slot)")
            yield &slots[slot]!
        }
    }

    // Looks at one stream without copying it (optional chaining on the array element reads in place, also in debug
    // builds, where a yielded or returned `EngineStream?` would be copied with every buffer of its lane).

    /// Whether a stream lives in `slot` with its scheduler entry at `at` (else the entry is stale).
    func isScheduled(_ slot: Int, at: Instant) -> Bool { slot < slots.count && slots[slot]?.scheduledAt == at }

    /// Whether the lane of the stream in `slot` lets its partitions resume (true when the slot is free).
    func laneCanResume(_ slot: Int) -> Bool { slots[slot]?.lane.canResume ?? true }

    /// Messages in flight of the stream in `slot` (0 when the slot is free).
    func inFlightCount(_ slot: Int) -> Int { slots[slot]?.lane.inFlightCount ?? 0 }

    /// Whether the stream in `slot` has nothing in flight and no dead-letter write pending (true when free).
    func isDrained(_ slot: Int) -> Bool {
        (slots[slot]?.lane.inFlightCount ?? 0) == 0 && (slots[slot]?.deadLettersPending ?? 0) == 0
    }

    /// Whether a keyed stream lives in `slot`.
    func isKeyed(_ slot: Int) -> Bool { slots[slot]?.keyed == true }

    /// The phase of the stream in `slot` (nil when the slot is free).
    func phase(_ slot: Int) -> EngineStream.Phase? { slots[slot]?.phase }

    /// The baseline round trip of the stream in `slot`'s arrival guard.
    func baselineRoundTrip(_ slot: Int) -> Int64? { slots[slot]?.lane.pacer.baselineRoundTrip }

    /// The slot of the stream named `name`.
    func slot(named name: String) -> Int? { slotByName[name] }

    /// Streams with state.
    var count: Int { slotByName.count }

    /// Slots ever used (live or free): the bound of the scheduler's compaction.
    var capacity: Int { slots.count }

    /// The slots of the streams with state, in slot order.
    var liveSlots: [Int] { slots.indices.filter { slots[$0] != nil } }

    /// Whether every stream satisfies `predicate`.
    func allSatisfy(_ predicate: (EngineStream) -> Bool) -> Bool {
        slots.allSatisfy { $0.map(predicate) ?? true }
    }

    /// Released streams remembered as existing at Twilio.
    var knownCount: Int { known.count }

    /// Takes what is remembered of released stream `name` (it gets state again).
    mutating func takeKnown(_ name: String) -> KnownStreams.Entry? { known.take(name) }

    /// Gives `stream` a slot (a free one first) and counts it in its route.
    mutating func insert(_ stream: EngineStream) -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = stream
        } else {
            slot = slots.count
            slots.append(stream)
        }
        slotByName[stream.name] = slot
        routes[stream.label, default: RouteState()].active += 1
        return slot
    }

    /// Releases the stream in `slot`, remembering that it exists at Twilio (with when its TTL was set); returns it
    /// and how many streams its route has left.
    mutating func release(_ slot: Int) -> (stream: EngineStream, active: Int) {
        let stream = self[slot]
        let ttlSetAt: Instant? = stream.phase == .exists ? stream.ttl.setAt : nil
        known.remember(stream.name, KnownStreams.Entry(ttlSetAt: ttlSetAt, epoch: stream.epoch))
        slotByName[stream.name] = nil
        slots[slot] = nil
        freeSlots.append(slot)
        var route = routes[stream.label, default: RouteState()]
        route.active -= 1
        route.depth = route.depth - stream.reportedDepth
        routes[stream.label] = route
        return (stream, route.active)
    }

    /// Streams of the route labelled `label` with state.
    func active(in label: String) -> Int { routes[label]?.active ?? 0 }

    /// Records stream `slot`'s lane depth, returning its route's new totals.
    mutating func noteDepth(_ slot: Int) -> LaneDepth {
        let depth = LaneDepth(
            records: self[slot].lane.queuedRecords, bytes: self[slot].lane.queuedBytes,
            inFlight: self[slot].lane.inFlightCount)
        let label = self[slot].label
        let totals = (routes[label]?.depth ?? .zero) - self[slot].reportedDepth + depth
        routes[label, default: RouteState()].depth = totals
        self[slot].reportedDepth = depth
        return totals
    }

    // MARK: Idle keyed streams

    /// Notes whether keyed stream `slot` is idle (since when), and returns when it may be released: `idleAfter`
    /// (at least `pacerWindow`) after it went idle. Nil when busy, not keyed, or a request of its own is under way
    /// (its answer looks again).
    mutating func noteIdleness(_ slot: Int, now: Instant) -> Instant? {
        guard self[slot].keyed else { return nil }
        guard self[slot].isIdle else {
            self[slot].idleSince = nil
            return nil
        }
        if self[slot].idleSince == nil {
            self[slot].idleSince = now
            let label = self[slot].label
            routes[label, default: RouteState()].idle.append((slot, now))
            if let route = routes[label], route.idle.count > 2 * route.active + 64 {
                let kept = Deque(route.idle.filter { isIdleEntry($0, of: label) })
                routes[label]?.idle = kept
            }
        }
        guard self[slot].isReleasable, let since = self[slot].idleSince else { return nil }
        return since + max(self[slot].settings.idleAfter, RelayEngine.pacerWindow)
    }

    /// Whether a new stream of the keyed route labelled `label` fits under `maxActiveStreams` at `now`, or which
    /// idle stream to release for it. Entries of streams busy again or gone are dropped on the way.
    mutating func room(in label: String, maxActiveStreams: Int, now: Instant) -> Room {
        guard active(in: label) >= maxActiveStreams else { return .available }
        while let entry = routes[label]?.idle.first {
            guard isIdleEntry(entry, of: label), self[entry.slot].isReleasable else {
                routes[label]?.idle.removeFirst()
                continue
            }
            // A stream answered less than a window ago may still count in Twilio's window: a fresh pacer for its
            // key could exceed the rate.
            guard now - entry.since >= RelayEngine.pacerWindow else {
                return .lookAgain(at: entry.since + RelayEngine.pacerWindow)
            }
            routes[label]?.idle.removeFirst()
            return .byReleasing(slot: entry.slot)
        }
        return .full
    }

    private func isIdleEntry(_ entry: (slot: Int, since: Instant), of label: String) -> Bool {
        slots[entry.slot]?.label == label && slots[entry.slot]?.idleSince == entry.since
    }
}
