/// The streams the relay knows exist at Twilio after their state was released (a keyed stream idle for
/// `idleAfter`), so a returning key costs no create request. Bounded (`GenerationalCache`): it keeps the most
/// recently used names.
struct KnownStreams: Sendable {
    /// What is remembered of a stream.
    struct Entry: Sendable, Equatable {
        /// When its TTL was last set (created or refreshed); nil when unknown.
        var ttlSetAt: Instant?
        /// The epoch (`e`) its last life's messages carried, so the next life's is greater.
        var epoch: UInt64?
    }

    private var names: GenerationalCache<String, Entry>

    /// The least capacity (a name forgotten within one millisecond of its release would break the epoch rule).
    static let minimumCapacity = 1000

    init(capacity: Int) { names = GenerationalCache(capacity: max(capacity, Self.minimumCapacity)) }

    /// The most names remembered.
    var capacity: Int { names.capacity }

    /// Names remembered.
    var count: Int { names.count }

    /// Remembers `name`.
    mutating func remember(_ name: String, _ entry: Entry) { names.insert(name, entry) }

    /// Takes `name` out of the cache (its stream has state again), returning what was remembered.
    mutating func take(_ name: String) -> Entry? { names.take(name) }
}
