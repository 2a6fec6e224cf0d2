/// One stream's state inside `RelayEngine`: its lane (queue, packer, pacer with arrival guard, in-flight window),
/// whether Twilio has it, its TTL refresh, and its place in the scheduler. Owned by the engine, never shared.
struct EngineStream: Sendable {
    /// Whether the stream is known to exist at Twilio.
    enum Existence: Sendable, Equatable {
        /// Not asked yet: the first step sends `.createStream`.
        case unknown
        /// A `.createStream` is on its way (`recreate`: the stream vanished while in use).
        case creating(recreate: Bool)
        /// The last create failed: try again at `retryAt`.
        case createBackoff(retryAt: Instant, recreate: Bool)
        /// Created, or found already there: messages may go.
        case exists
    }

    let name: String
    let topic: String
    var settings: StreamSettings
    var lane: StreamLane
    /// A packer from a reload, waiting for the chunks of a split record (cut for the old budget) to go.
    var pendingPacker: MessagePacker?
    /// The configuration generation (`RelayEngine.configurationGeneration`) its settings come from.
    var generation = 0
    /// Twilio holds a TTL other than `settings.ttl` (a reload changed it, or a refresh failed): refresh it with
    /// the next accepted publish.
    var ttlOutdated = false
    /// Partitions whose records this stream has received (to discard on revoke and resume after back-pressure).
    var partitions: Set<TopicPartition> = []
    var existence = Existence.unknown
    /// Create attempts since the stream was last known to exist (for the backoff).
    var failedCreates = 0
    /// When the TTL was last set (created or refreshed); nil before creation.
    var lastTTLRefresh: Instant?
    /// A `.refreshTTL` is on its way.
    var refreshing = false
    /// How often each in-flight message needed the stream recreated (for `RetryPolicy.maxRecreations`).
    var recreations: [UInt64: Int] = [:]
    /// Dead-letter writes of this stream's records not yet acknowledged.
    var deadLettersPending = 0
    /// The instant of this stream's live entry in the scheduler (earlier entries win; later ones are stale).
    var scheduledAt: Instant?
    /// Waiting for room under the account-wide cap (in `RelayEngine.accountWaiting`).
    var waitingForAccount = false
    /// Some of its in-flight messages hold records of partitions revoked since they were sent: a retry of one is
    /// withdrawn instead of sent (`RelayEngine.withdrawRevokedRecords`).
    var holdsRevokedRecords = false

    /// Whether nothing is queued, in flight or waiting for the dead-letter topic.
    var isIdle: Bool { lane.isIdle && deadLettersPending == 0 }
}
