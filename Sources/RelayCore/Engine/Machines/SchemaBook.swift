/// The engine's knowledge of Schema Registry ids: the schemas it has (bounded, most recently used kept), the ids
/// the registry refused (asked again after `refusalLifetime`, for a schema registered late), and the ids asked and
/// not answered yet, so that each id is fetched once however many records wait for it.
struct SchemaBook: Sendable {
    /// What is known of one schema id.
    enum Entry: Sendable {
        case ready(RegistrySchema)
        /// The registry refused it (404) or the relay cannot use it, at `at`.
        case refused(UndecodableReason, at: Instant)
    }

    /// How long a refused schema id stays refused before the registry is asked again.
    static let refusalLifetime = Duration.seconds(60)

    private var entries: GenerationalCache<UInt32, Entry>
    /// Ids asked of the registry and not answered yet.
    private(set) var awaited: Set<UInt32> = []
    /// Fetches of awaited ids that found the registry unreachable, in a row.
    private var unreachable: [UInt32: Int] = [:]
    /// The wait before a fetch that found the registry unreachable is made again.
    let retryBackoff: Backoff

    /// A book keeping at most `capacity` schemas, fetching again after `retryBackoff` while the registry is
    /// unreachable.
    init(capacity: Int, retryBackoff: Backoff = SchemaBook.retryBackoff(unreadyAfter: .seconds(30))) {
        entries = GenerationalCache(capacity: capacity)
        self.retryBackoff = retryBackoff
    }

    /// The retry backoff for a registry whose outage makes the relay not ready after `unreadyAfter`: from 1 s,
    /// doubling up to a third of that (at most 30 s), so that readiness sees several attempts fail first.
    static func retryBackoff(unreadyAfter: Duration) -> Backoff {
        Backoff(initial: .seconds(1), maximum: max(.seconds(1), min(.seconds(30), unreadyAfter / 3)))
    }

    /// Schema ids known (ready or refused).
    var count: Int { entries.count }

    /// What a record needing schema `id` can do at `now`: decode, fail (refused lately), or wait (ask `request`).
    mutating func lookup(_ id: UInt32, now: Instant) -> RecordPreparation.SchemaLookup {
        switch entries.value(for: id) {
        case .ready(let schema)?:
            return .ready(schema)
        case .refused(let reason, let at)? where now < at + Self.refusalLifetime:
            return .failed(reason)
        case .refused?:
            _ = entries.take(id)
            return .pending
        case nil:
            return .pending
        }
    }

    /// Notes that a record waits for `id`; returns whether it must be fetched now (not already asked).
    mutating func request(_ id: UInt32) -> Bool { awaited.insert(id).inserted }

    /// The fetch of `id` found the registry unreachable at `now`: returns when to fetch it again (nil: not awaited).
    mutating func unreachable(_ id: UInt32, now: Instant) -> Instant? {
        guard awaited.contains(id) else { return nil }
        unreachable[id, default: 0] += 1
        return now + retryBackoff.delay(afterFailures: unreachable[id] ?? 1)
    }

    /// Whether `id` is still awaited (a retry of its fetch is due).
    func isAwaited(_ id: UInt32) -> Bool { awaited.contains(id) }

    /// Takes the registry's answer for `id` at `now`, returning what to report.
    mutating func answered(_ id: UInt32, _ answer: SchemaAnswer, now: Instant) -> EngineReport {
        awaited.remove(id)
        unreachable[id] = nil
        switch answer {
        case .found(let schema):
            entries.insert(id, .ready(schema))
            return .schemaLoaded(id: id, type: schema.format.rawValue)
        case .refused(let reason, let detail):
            entries.insert(id, .refused(reason, at: now))
            return .schemaRefused(id: id, reason: reason.rawValue, detail: detail)
        }
    }
}
