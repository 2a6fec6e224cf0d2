/// A route's `snapshot`: the latest value of each entity kept in a Sync Document (one per entity) or an item of a
/// Sync Map, beside (or instead of) the stream, for pages that open after the value was published (decision 0012).
public struct SnapshotSettings: Sendable, Equatable {
    /// Documents or a Map.
    public var kind: SnapshotKind
    /// The Document's unique name (one per entity: keyed, e.g. `vehicle-{key}`), or the Map's (e.g. `vehicles`, or
    /// `vehicles-{partition}` to shard one Map's budget).
    public var name: StreamNameTemplate
    /// The Map item's key (e.g. `{key}`); nil for Documents.
    public var key: StreamNameTemplate?
    /// The TTL of a Document or Map item from its last write; zero: never expires.
    public var ttl: Duration
    /// The object's write budget in KiB per 1.1 s window (`ObjectPacer`): a write costs its `Data`'s size, at least
    /// 1 KiB, so this is also the most writes of small values per second. At most Twilio's 20; a Map's items share it.
    public var rate: Int
    /// What happens to a value whose snapshot `Data` is over Twilio's 16 KiB; nil: `dead-letter` when a dead-letter
    /// topic is configured, else `drop`.
    public var oversize: SnapshotOversizePolicy?
    /// Whether the route also publishes its records to its stream (false: a snapshot-only route).
    public var stream: Bool

    /// The largest `Data` Twilio keeps in a Document or Map item.
    public static let maximumDataBytes = 16 * 1024

    public init(
        kind: SnapshotKind, name: StreamNameTemplate, key: StreamNameTemplate? = nil, ttl: Duration = .zero,
        rate: Int = ObjectPacer.defaultRate, oversize: SnapshotOversizePolicy? = nil, stream: Bool = true
    ) {
        self.kind = kind
        self.name = name
        self.key = key
        self.ttl = ttl
        self.rate = rate
        self.oversize = oversize
        self.stream = stream
    }

    /// The metrics label of the route's snapshots: the name template (entity names never become label values).
    public var label: String { name.text }
}

/// What happens to a snapshot value over 16 KiB: never cut.
public enum SnapshotOversizePolicy: String, Sendable, Hashable, CaseIterable {
    /// Write the record to the dead-letter topic (counted and dropped when none is configured).
    case deadLetter = "dead-letter"
    /// Drop it, counted.
    case drop
}
