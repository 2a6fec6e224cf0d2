import DequeModule

/// The engine's snapshot room: every Sync Document or Map being written, with its `ObjectPacer` and the entities
/// (`SnapshotEntity`) that have a change or a request in flight. A Document is an object with one entity; a Map is
/// one object whose items are its entities, sharing its pacer (decision 0012).
///
/// The engine steps an object when the scheduler says it is due (`next(_:now:canSend:)`), performs the requests it
/// returns, and feeds the answers back (`answered(_:_:now:)`). An entity with nothing to do is released at once into
/// a bounded cache of what is known of Twilio's copy; an object with no entity left is released once its pacer's
/// window has emptied, so an idle entity costs at most a cache entry, as released keyed streams do.
struct SnapshotBook: Sendable {
    /// An object by kind and unique name.
    struct ObjectKey: Sendable, Hashable {
        var kind: SnapshotKind
        var name: String
    }

    /// One Document or Map.
    struct Object: Sendable {
        var settings: SnapshotSettings
        var pacer: ObjectPacer
        /// Whether the Map is known to exist (always true for a Document).
        var mapExists: Bool
        /// The Map's create in flight, or its retry instant after a failure.
        var mapCreate: MapCreate?
        /// Entities with state, by item key ("" for a Document).
        var entities: [String: SnapshotEntity] = [:]
        /// Entities with a change to send, first come first served (a key may be stale: looked at when it comes up).
        var ready = Deque<String>()
        /// Entities waiting to retry after a failure, with when.
        var backoff: [String: Instant] = [:]
        /// Requests in flight.
        var inFlight = 0
        /// The live scheduler entry's instant.
        var scheduledAt: Instant?
        /// Whether the object waits for room under the publish gate.
        var waitingForGate = false

        /// The route's retry policy for failed writes.
        var retryPolicy: RetryPolicy
        /// The topic whose records it keeps (its share of the rate is by that topic's partitions).
        var topic: String

        /// Whether nothing waits, retries or is in flight.
        var hasNoWork: Bool { entities.isEmpty && inFlight == 0 }
    }

    enum MapCreate: Sendable, Equatable {
        case inFlight
        case retry(at: Instant, failures: Int)
    }

    /// A request in flight: whose, and when it was sent.
    struct Pending: Sendable {
        var object: ObjectKey
        /// The item key ("" for a Document), or nil for a Map's create.
        var key: String?
    }

    /// What an object does next.
    enum Next: Sendable {
        /// Send this request (recorded as in flight).
        case send(SnapshotRequest)
        /// A change is over without a request (Twilio's copy is newer, or a tombstone for something gone).
        case finished(SnapshotEntity.Finished)
        /// A request is due but the publish gate has no room (`canSend` was false).
        case blockedByGate
        /// Nothing to do before `at` (nil: nothing to do until a change or an answer comes).
        case wait(at: Instant?)
    }

    private(set) var objects: [ObjectKey: Object] = [:]
    private var pending: [UInt64: Pending] = [:]
    private var nextId: UInt64 = 1
    /// What is known of released entities' copies at Twilio, and of released Maps (key nil: the Map exists).
    private var remembered: GenerationalCache<SnapshotTarget, SnapshotEntity.Remote>

    /// A book remembering up to `capacity` released entities.
    init(capacity: Int) { remembered = GenerationalCache(capacity: capacity) }

    /// Records left behind by conflation, not yet handed to the engine (`takeConflated`).
    private var conflatedDone: [RecordPosition] = []

    /// The records conflation left behind since the last call: they are done.
    mutating func takeConflated() -> [RecordPosition] {
        defer { conflatedDone = [] }
        return conflatedDone
    }

    /// Objects with state.
    var count: Int { objects.count }

    /// Entities with state, across objects.
    var entityCount: Int { objects.values.reduce(0) { $0 + $1.entities.count } }

    /// Released entities and Maps remembered.
    var rememberedCount: Int { remembered.count }

    /// Whether no object has work: nothing waits, retries or is in flight.
    var isIdle: Bool { pending.isEmpty && objects.values.allSatisfy(\.hasNoWork) }

    // MARK: Changes in

    /// Takes `change` for the entity `key` ("" for a Document) of `object`, whose route's snapshot is `settings`.
    /// Returns whether an older change was conflated into a newer one.
    mutating func offer(
        _ change: SnapshotEntity.Change, object: ObjectKey, key: String, settings: SnapshotSettings,
        retryPolicy: RetryPolicy, topic: String, rate: Int
    ) -> Bool {
        if objects[object] == nil {
            let mapExists = object.kind == .document || remembered.value(for: target(object, nil)) != nil
            objects[object] = Object(
                settings: settings, pacer: ObjectPacer(rate: rate), mapExists: mapExists, retryPolicy: retryPolicy,
                topic: topic)
        }
        var entity =
            objects[object]!.entities[key]
            ?? SnapshotEntity(remote: remembered.take(target(object, key)) ?? .unknown)
        let wasIdle = entity.isIdle
        let conflated = entity.offer(change)
        conflatedDone += entity.takeConflated()
        objects[object]!.entities[key] = entity
        if wasIdle { objects[object]!.ready.append(key) }
        return conflated
    }

    // MARK: Stepping

    /// The object's next step at `now`: a request when its pacer (and `canSend`, the publish gate) admits one, a
    /// change finished without a request, or when to look again.
    mutating func next(_ key: ObjectKey, now: Instant, canSend: Bool) -> Next {
        // Taken out while it changes: a copy left in the dictionary would make every change copy its entities.
        guard var object = objects.removeValue(forKey: key) else { return .wait(at: nil) }
        defer { objects[key] = object }
        if !object.backoff.isEmpty { wakeRetries(&object, now: now) }
        if !object.mapExists {
            return nextForMap(key, &object, now: now, canSend: canSend)
        }
        while let entityKey = object.ready.first {
            guard var entity = object.entities[entityKey], object.backoff[entityKey] == nil else {
                object.ready.removeFirst()
                continue
            }
            switch entity.nextStep() {
            case .idle:
                object.ready.removeFirst()
                continue
            case .finished(let finished):
                object.entities[entityKey] = entity
                if entity.current == nil { object.ready.removeFirst() }
                release(entityKey, of: key, &object)
                return .finished(finished)
            case .send(let step):
                let operation = Self.operation(step)
                let cost = ObjectPacer.cost(dataBytes: Self.dataBytes(operation))
                // `entity` is a copy: unless it is stored back, the request it marked in flight was not sent.
                guard canSend else { return .blockedByGate }
                guard object.pacer.admit(cost: cost, now: now) else {
                    return .wait(at: object.pacer.nextAdmission(cost: cost, now: now))
                }
                object.ready.removeFirst()
                object.entities[entityKey] = entity
                object.inFlight += 1
                let attempt = (entity.current?.failures ?? 0) + 1
                return .send(open(key, entityKey, operation, settings: object.settings, attempt: attempt))
            }
        }
        return .wait(at: object.backoff.values.min())
    }

    /// A Map not known to exist is created first; its items wait.
    private mutating func nextForMap(_ key: ObjectKey, _ object: inout Object, now: Instant, canSend: Bool) -> Next {
        switch object.mapCreate {
        case .inFlight: return .wait(at: nil)
        case .retry(let at, _) where at > now: return .wait(at: at)
        case .retry, nil: break
        }
        guard !object.entities.isEmpty else { return .wait(at: nil) }
        let cost = ObjectPacer.cost(dataBytes: 0)
        guard canSend else { return .blockedByGate }
        guard object.pacer.admit(cost: cost, now: now) else {
            return .wait(at: object.pacer.nextAdmission(cost: cost, now: now))
        }
        let failures = if case .retry(_, let failures) = object.mapCreate { failures } else { 0 }
        object.mapCreate = .inFlight
        object.inFlight += 1
        return .send(open(key, nil, .createMap, settings: object.settings, attempt: failures + 1))
    }

    private mutating func open(
        _ object: ObjectKey, _ key: String?, _ operation: SnapshotOperation, settings: SnapshotSettings, attempt: Int
    ) -> SnapshotRequest {
        let id = nextId
        nextId += 1
        pending[id] = Pending(object: object, key: key)
        return SnapshotRequest(
            id: id, target: target(object, key), operation: operation, ttl: settings.ttl, label: settings.label,
            attempt: attempt)
    }

    private func wakeRetries(_ object: inout Object, now: Instant) {
        for (key, at) in object.backoff where at <= now {
            object.backoff[key] = nil
            object.ready.append(key)
        }
    }

    // MARK: Answers

    /// What an answer did.
    enum Outcome: Sendable {
        /// The request was not in flight (its object was released, or the answer came twice).
        case unknown
        /// A change is over.
        case finished(SnapshotEntity.Finished, object: ObjectKey)
        /// The entity (or the Map) has its next step; the object should be stepped.
        case continuing(object: ObjectKey)
    }

    /// What the engine needs to decide about request `id`'s answer: its object's settings and retry policy, and the
    /// failed attempts of its change (or of the Map's create) before this one. Nil when it is not in flight.
    func request(_ id: UInt64) -> (settings: SnapshotSettings, retryPolicy: RetryPolicy, failures: Int)? {
        guard let pending = pending[id], let object = objects[pending.object] else { return nil }
        guard let key = pending.key else {
            let failures = if case .retry(_, let failures) = object.mapCreate { failures } else { 0 }
            return (object.settings, object.retryPolicy, failures)
        }
        return (object.settings, object.retryPolicy, object.entities[key]?.current?.failures ?? 0)
    }

    /// How a failed request is tried again.
    struct Retry: Sendable {
        /// Not before this instant.
        var at: Instant
        /// Twilio said the object's rate was exceeded (429): the whole object waits `Retry-After` (nil: a second).
        var objectRateLimited: Bool = false
        var retryAfter: Duration? = nil
    }

    /// Request `id` was answered with `answer` (`mapMissing`: Twilio said the Map is gone, so it is created again
    /// first). After a failure the entity (or the Map's create) is tried again as `retry` says (nil: at once).
    mutating func answered(
        _ id: UInt64, _ answer: SnapshotEntity.Answer, mapMissing: Bool = false, retry: Retry? = nil, now: Instant
    ) -> Outcome {
        guard let request = pending.removeValue(forKey: id), var object = objects.removeValue(forKey: request.object)
        else { return .unknown }
        defer { objects[request.object] = object }
        object.inFlight -= 1
        if let retry, retry.objectRateLimited { object.pacer.rateLimited(retryAfter: retry.retryAfter, now: now) }
        let retryAt = retry?.at
        if mapMissing {
            object.mapExists = false
            if object.mapCreate == .inFlight { object.mapCreate = nil }
        }
        guard let key = request.key else {
            switch answer {
            case .stored, .exists:
                object.mapExists = true
                object.mapCreate = nil
            default:
                let failures = if case .retry(_, let failures) = object.mapCreate { failures } else { 0 }
                object.mapCreate = .retry(at: retryAt ?? now, failures: failures + 1)
            }
            return .continuing(object: request.object)
        }
        guard var entity = object.entities[key] else { return .unknown }
        let finished = entity.answered(answer)
        conflatedDone += entity.takeConflated()
        object.entities[key] = entity
        if !entity.isIdle {
            if case .failed = answer, let retryAt, retryAt > now {
                object.backoff[key] = retryAt
            } else {
                object.ready.append(key)
            }
        }
        release(key, of: request.object, &object)
        if let finished { return .finished(finished, object: request.object) }
        return .continuing(object: request.object)
    }

    /// Releases entity `key` if it has nothing to do, remembering what is known of Twilio's copy.
    private mutating func release(_ key: String, of objectKey: ObjectKey, _ object: inout Object) {
        guard let entity = object.entities[key], entity.isIdle else { return }
        object.entities[key] = nil
        object.backoff[key] = nil
        if entity.remote != .unknown { remembered.insert(target(objectKey, key), entity.remote) }
    }

    /// Gives every object the rate `rate` says (this member's share after a rebalance).
    mutating func setRates(_ rate: (Object) -> Int) {
        for key in Array(objects.keys) { objects[key]!.pacer.setRate(rate(objects[key]!)) }
    }

    // MARK: Release and scheduling

    /// When object `key` may be released (it has no work; its pacer's window empties then), or nil if it has work.
    func releasableAt(_ key: ObjectKey) -> Instant? {
        guard let object = objects[key], object.hasNoWork, !object.waitingForGate else { return nil }
        return object.pacer.idleAt ?? .zero
    }

    /// Releases object `key` if it has no work and its pacer is idle at `now`. Returns whether it did.
    mutating func releaseIfIdle(_ key: ObjectKey, now: Instant) -> Bool {
        guard let at = releasableAt(key), at <= now, let object = objects.removeValue(forKey: key) else {
            return false
        }
        if key.kind == .map, object.mapExists { remembered.insert(target(key, nil), .unread) }
        return true
    }

    /// Whether the scheduler's entry for `key` at `at` is the live one.
    func isScheduled(_ key: ObjectKey, at: Instant) -> Bool { objects[key]?.scheduledAt == at }

    /// Notes the live scheduler entry of `key` (nil: none). Returns false when an entry at or before `at` exists.
    mutating func noteScheduled(_ key: ObjectKey, at: Instant?) -> Bool {
        guard objects[key] != nil else { return false }
        if let at, let current = objects[key]!.scheduledAt, current <= at { return false }
        objects[key]!.scheduledAt = at
        return true
    }

    /// Object `key` waits for room under the publish gate. Returns whether it was not waiting already (the caller
    /// queues it at the gate).
    mutating func waitForGate(_ key: ObjectKey) -> Bool {
        guard objects[key] != nil, !objects[key]!.waitingForGate else { return false }
        objects[key]!.waitingForGate = true
        return true
    }

    /// The gate admitted object `key`: whether it still waits (it has state).
    mutating func admitted(_ key: ObjectKey) -> Bool {
        guard objects[key]?.waitingForGate == true else { return false }
        objects[key]!.waitingForGate = false
        return true
    }

    // MARK: Revokes

    /// Withdraws the records of `partitions` (revoked) from every change: their values are still written.
    mutating func withdraw(_ partitions: Set<TopicPartition>) {
        for key in Array(objects.keys) {
            for entityKey in Array(objects[key]!.entities.keys) {
                objects[key]!.entities[entityKey]!.withdraw(partitions)
            }
        }
    }

    /// Whether no request in flight is about a record of `partitions`.
    func isDrained(_ partitions: Set<TopicPartition>) -> Bool {
        pending.values.allSatisfy { request in
            guard let key = request.key, let entity = objects[request.object]?.entities[key] else { return true }
            return !entity.isWriting(partitions)
        }
    }

    // MARK: Helpers

    private func target(_ object: ObjectKey, _ key: String?) -> SnapshotTarget {
        SnapshotTarget(kind: object.kind, object: object.name, key: object.kind == .map ? key : nil)
    }

    static func operation(_ request: SnapshotEntity.Request) -> SnapshotOperation {
        switch request {
        case .create(let data): .create(data: data)
        case .update(let data, let ifMatch): .update(data: data, ifMatch: ifMatch)
        case .read: .read
        case .delete(let ifMatch): .delete(ifMatch: ifMatch)
        }
    }

    static func dataBytes(_ operation: SnapshotOperation) -> Int {
        switch operation {
        case .create(let data), .update(let data, _): data.count
        case .createMap, .read, .delete: 0
        }
    }
}
