/// The streams the relay knows exist at Twilio after their state was released (a keyed stream idle for
/// `idleAfter`), so a returning key costs no create request. Bounded: two generations of at most `capacity / 2`
/// names each; when the young one fills, the old one is forgotten and the young one takes its place, so the cache
/// keeps the most recently used names (a name found in the old generation moves to the young one). O(1) per call.
struct KnownStreams: Sendable {
    /// What is remembered of a stream.
    struct Entry: Sendable, Equatable {
        /// When its TTL was last set (created or refreshed); nil when unknown.
        var ttlSetAt: Instant?
        /// The epoch (`e`) its last life's messages carried, so the next life's is greater.
        var epoch: UInt64?
    }

    let capacity: Int
    private var young: [String: Entry] = [:]
    private var old: [String: Entry] = [:]

    /// The least capacity (a name forgotten within one millisecond of its release would break the epoch rule).
    static let minimumCapacity = 1000

    init(capacity: Int) { self.capacity = max(capacity, Self.minimumCapacity) }

    /// Names remembered.
    var count: Int { young.count + old.count }

    /// Remembers `name`.
    mutating func remember(_ name: String, _ entry: Entry) {
        old[name] = nil
        young[name] = entry
        if young.count >= capacity / 2 {
            old = young
            young = [:]
        }
    }

    /// Takes `name` out of the cache (its stream has state again), returning what was remembered.
    mutating func take(_ name: String) -> Entry? {
        if let entry = young.removeValue(forKey: name) { return entry }
        return old.removeValue(forKey: name)
    }
}
