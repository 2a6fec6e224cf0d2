/// What the engine asks its driver to do, in order. The driver performs each through a port (`StreamPublisher`,
/// `PartitionControl`, `OffsetCommitter`, `DeadLetterSink`, `WakeTimer`, `SchemaSource`) or reports it (`EngineReport`), outside any lock, and tells
/// the engine the answers as `EngineEvent`s.
public enum EngineAction: Sendable {
    /// Send this message to Twilio; answer with `.publishAnswered`.
    case publish(PublishRequest)
    /// Create stream `name` with `ttl` (zero: never expires); `recreate` when it vanished while in use. Answer with
    /// `.streamCreateAnswered`.
    case createStream(name: String, ttl: Duration, recreate: Bool)
    /// Set stream `name`'s TTL to `ttl` from now (it is active); answer with `.ttlRefreshAnswered`.
    case refreshTTL(name: String, ttl: Duration)
    /// Stop fetching these partitions (back-pressure or stop).
    case pause([TopicPartition])
    /// Fetch these partitions again.
    case resume([TopicPartition])
    /// Commit these offsets (the next offset to consume, per partition): what is done when a commit was requested,
    /// or the final offsets of a revoke. The only way offsets reach Kafka (`OffsetCommitter`).
    case commit([TopicPartition: Int64])
    /// Write this record to the dead-letter topic; answer with `.deadLetterAnswered`. Its offset is done only then.
    case deadLetter(DeadLetter)
    /// Send `.timeReached` at `at` (replacing any earlier request: the engine asks again when it needs another).
    case wake(at: Instant)
    /// Fetch schema `id` from the Schema Registry (once per id: records needing it are held until the answer); answer
    /// with `.schemaAnswered`, or `.schemaUnavailable` when the registry cannot be reached (asked again later).
    case fetchSchema(id: UInt32)
    /// Perform this snapshot request (a Document's or Map item's create, update, read or delete, or a Map's create);
    /// answer with `.snapshotAnswered`.
    case writeSnapshot(SnapshotRequest)
    /// Check that Twilio answers and accepts the credentials (readiness must not wait for the first record); answer
    /// with `.twilioProbeAnswered`.
    case probeTwilio
    /// Something to count or log.
    case report(EngineReport)
}

/// One message to publish: stream, sequence number (its identity in the answer) and the exact `Data` bytes.
public struct PublishRequest: Sendable, Hashable {
    /// The stream's unique name.
    public var stream: String
    /// The stream's metrics label: its name, or a keyed route's template (keys never become label values).
    public var label: String
    /// The message's per-stream sequence number (`q`).
    public var sequence: UInt64
    /// The `Data` JSON, exactly as sent (at most the route's budget).
    public var data: [UInt8]
    /// Records this message completes when accepted (a split record counts on its last chunk).
    public var recordCount: Int
    /// 1 for a first attempt, then 2, 3, ...
    public var attempt: Int
    /// How long the message was ready but held by the stream's pacer.
    public var pacerWait: Duration = .zero
}

/// A record for the dead-letter topic, unchanged, with why and for which stream.
public struct DeadLetter: Sendable, Hashable {
    /// The engine's identity of this write (the answer names it).
    public var id: UInt64
    /// The record, unchanged.
    public var record: SourceRecord
    /// Why (`DropReason.rawValue`).
    public var reason: DropReason
    /// The stream it was meant for.
    public var stream: String
    /// More about why (an undecodable record's reason and where), or nil.
    public var detail: String? = nil

    public init(id: UInt64, record: SourceRecord, reason: DropReason, stream: String, detail: String? = nil) {
        self.id = id
        self.record = record
        self.reason = reason
        self.stream = stream
        self.detail = detail
    }
}

/// What the engine reports for metrics and logs. A `label` is a stream's metrics label (its name, or a keyed route's
/// template: keys never become label values) and is bounded, as reasons and outcomes are; a `name` is the stream's
/// own name, for logs.
public enum EngineReport: Sendable {
    /// Records handed in by the consumer, per topic.
    case consumed(topic: String, count: Int)
    /// A message was accepted; `records` are the records it completed (for their age at acceptance); `label` is the
    /// route's (a keyed template's text, else the stream name).
    case acknowledged(label: String, records: [SourceRecord])
    /// Records a policy dropped (counted, not dead-lettered), each with its reason; they are done.
    case dropped(label: String, drops: [DroppedRecord])
    /// A record the dead-letter topic acknowledged.
    case deadLettered(label: String, reason: DropReason)
    /// A record whose value or key cannot be decoded (`reason`: an `UndecodableReason`); the route's
    /// `undecodable` policy dead-letters or drops it (reported with `.dropped`).
    case undecodable(route: String, topic: String, reason: String)
    /// A record the route's `filter` rejected; it is done.
    case filtered(route: String, topic: String)
    /// The registry's schema `id` is cached (`type`: avro, json-schema or protobuf).
    case schemaLoaded(id: UInt32, type: String)
    /// The registry refused schema `id` (`reason`: `unknown-schema` or `unsupported-schema`), or the relay
    /// cannot use it; records needing it are undecodable for a minute, then it is asked again.
    case schemaRefused(id: UInt32, reason: String, detail: String)
    /// A publish will be retried (`RetryReason.rawValue`, or `stream-missing`, `unauthorized`).
    case retried(label: String, reason: String)
    /// Twilio rejected a message, or its retries gave up: its records are dead-lettered or dropped. Loud.
    case rejected(label: String, name: String, sequence: UInt64, reason: GiveUpReason, outcome: PublishOutcome)
    /// A record whose stream name cannot be formed (`reason`: an `UnroutableReason`), or whose topic makes the
    /// template render an invalid name (`invalid-stream-name`); `route` is the template. The route's `unroutable`
    /// policy dead-letters, drops (reported with `.dropped`) or sends it to the fallback stream.
    case unroutable(route: String, topic: String, reason: String)
    /// A stream was created (`recreated`: it had vanished while in use).
    case streamCreated(label: String, name: String, recreated: Bool)
    /// Creating a stream failed; it is tried again after a backoff (slowly while the credentials are refused).
    case streamCreateFailed(label: String, name: String, outcome: PublishOutcome)
    /// Twilio answered a TTL refresh: `.accepted`, or a failure (tried again on a later publish).
    case ttlRefreshed(label: String, name: String, outcome: PublishOutcome)
    /// A keyed stream's state was released (idle for `idleAfter`, or room for a new one); `active` streams of the
    /// route have state now.
    case streamReleased(route: String, active: Int)
    /// A new stream of the route got state; `active` streams of the route have state now.
    case streamActivated(route: String, active: Int)
    /// A lane's depth after the engine worked on it.
    case laneDepth(label: String, records: Int, bytes: Int, inFlight: Int)
    /// Twilio said the account sends too much (20429): at most `limit` publishes in flight from now on.
    case accountConcurrencyLowered(limit: Int)
    /// The account-wide cap was lifted again.
    case accountConcurrencyRestored
    /// The highest `Twilio-Concurrent-Requests` over the last 10 s (nil: none seen) or the cap on publishes in
    /// flight changed (reported at start and on each change, for the gauges).
    case twilioConcurrency(recentMaximum: Int?, inFlightLimit: Int)
    /// A value not yet written was replaced by a newer value of its entity: its record is done (the newer one is
    /// done only once written).
    case snapshotConflated(label: String)
    /// A snapshot change is over (`written`, `deleted`, `superseded` by Twilio's newer copy, or `refused`);
    /// `records` are the records it completed (its own, unless its partition was revoked meanwhile); `timestamp` is
    /// its record's Kafka timestamp (for the record's age at acceptance).
    case snapshotFinished(label: String, result: SnapshotResult, records: Int, timestamp: Int64?)
    /// A snapshot request will be tried again (`RetryReason.rawValue`, or `object-rate-limited`, `unauthorized`,
    /// `map-missing`, `not-found`).
    case snapshotRetried(label: String, reason: String)
    /// Twilio refused a snapshot write for good, or its retries gave up: its record is dead-lettered or dropped.
    case snapshotRefused(label: String, outcome: PublishOutcome)
    /// This member's allowance of a stream the consumer group shares changed (a rebalance, a partition starting to
    /// count, a reload): `messagesPerWindow` whole messages in any second, or below one (a mean rate) where the
    /// group's allowances are not `guaranteed` to fit the stream's rate (`GroupBudget`).
    case allowance(label: String, messagesPerWindow: Double, guaranteed: Bool)
}
