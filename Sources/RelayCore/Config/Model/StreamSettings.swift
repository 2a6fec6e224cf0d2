/// How the relay treats one stream: naming, lifetime, pacing, packing and overflow. Filled from `defaults` and a
/// route's overrides; each field is documented in `RelayConfigurationSchema.routeSettings`.
public struct StreamSettings: Sendable, Equatable {
    /// Unique-name template.
    public var stream: StreamNameTemplate
    /// What happens to a record whose keyed template cannot render a name; nil: `dead-letter` when a dead-letter
    /// topic is configured, else `drop`.
    public var unroutable: UnroutablePolicy?
    /// The template for unroutable records under `fallback` (never keyed).
    public var fallbackStream: StreamNameTemplate?
    /// Whether a keyed `stream` or snapshot `name` may start with a placeholder (an explicit opt-in: producers then
    /// choose whole names in the Sync service).
    public var unconfinedNames = false
    /// A stream with nothing queued or in flight for this long releases its state (keyed templates).
    public var idleAfter: Duration
    /// The most streams of the route with state at once; a new one past it waits (`block`) until one is idle.
    public var maxActiveStreams: Int
    /// TTL streams are created with; zero means never expire.
    public var ttl: Duration
    /// Whether active streams get their TTL refreshed.
    public var ttlRefresh: Bool
    /// Messages per second.
    public var rate: Int
    /// Extra messages allowed in a burst.
    public var burst: Int
    /// Publishes awaiting an answer at once.
    public var inFlight: Int
    /// Byte budget of one message's `Data`.
    public var maxMessageBytes: Int
    /// Most records in one message.
    public var maxRecordsPerMessage: Int
    /// How long a message may wait to fill when there is budget.
    public var linger: Duration
    /// Which record fields messages carry.
    public var format: Format
    /// What happens to a record too large for one message.
    public var oversize: OversizePolicy
    /// Queue bounds and the policy when full.
    public var overflow: Overflow
    /// Backoff for failed publishes.
    public var retry: Retry
    /// How the record value is read (`value.format`).
    public var valueFormat: ValueFormat = .auto
    /// How the record key is read (`key.format`).
    public var keyFormat: ValueFormat = .auto
    /// What happens to a record that cannot be decoded; nil: `dead-letter` when a dead-letter topic is configured,
    /// else `drop`.
    public var undecodable: UndecodablePolicy?
    /// Which members of a JSON value messages carry (`select`, `drop`).
    public var shape = ValueShape()
    /// Which records the route keeps; nil keeps every record.
    public var filter: RecordFilter?
    /// The latest value per entity, kept in a Sync Document or Map item beside the stream (decision 0012); nil: none.
    public var snapshot: SnapshotSettings?

    /// Optional record fields carried in messages (all off: compact).
    public struct Format: Sendable, Equatable {
        public var key: Bool
        public var topic: Bool
        public var partition: Bool
        public var offset: Bool
        public var timestamp: Bool
        public var headers: Bool
        /// Carry the record's identity (`i`, from topic, partition and offset) for deduplication.
        public var id: Bool
    }

    /// The `overflow` section.
    public struct Overflow: Sendable, Equatable {
        /// What a full queue does.
        public var policy: OverflowPolicy
        /// Most queued records.
        public var maxRecords: Int
        /// Most queued record bytes.
        public var maxBytes: Int
        /// Records older than this are dropped when their turn comes; nil keeps them however old.
        public var maxAge: Duration?
        /// Keep only the newest queued record per key.
        public var conflate: Bool
    }

    /// The `retry` section.
    public struct Retry: Sendable, Equatable {
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        public var maxRetryAfter: Duration
        /// Attempts before giving up; nil retries for ever.
        public var maxAttempts: Int?
        public var authRetryInterval: Duration
    }
}

/// What a keyed route does with a record whose stream name cannot be formed (`unroutable`).
public enum UnroutablePolicy: String, Sendable, Hashable, CaseIterable {
    /// Write it to `kafka.deadLetterTopic` with its reason; its offset is done once the write is acknowledged.
    case deadLetter = "dead-letter"
    /// Drop it, counted by reason; its offset is done.
    case drop
    /// Send it to the stream `fallbackStream` names (a template with `{topic}` and `{partition}` only).
    case fallback
}
