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
    /// Its metrics label: the name, or for a keyed route's stream the route's template.
    let label: String
    /// A keyed route's stream: released after `idleAfter` idle, counted against `maxActiveStreams`.
    let keyed: Bool
    /// Fed by one partition (`{partition}` or `{key}` in the name): its owner uses the whole budget.
    let fedByOnePartition: Bool
    /// The epoch its messages carry (`e`): the run's, or for a keyed stream the time its numbering began.
    let epoch: UInt64?
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

    /// Since when a keyed stream has been idle (nil: busy, or not keyed).
    var idleSince: Instant?
    /// Waiting for a create token (in `RelayEngine.createWaiting`).
    var waitingForCreate = false
    /// Its share of the group's budget as last reported (a stream shared by the group; `RelayEngine+Budget`).
    var allowance: GroupBudget.Allowance?
    /// The lane depth last reported (the route's totals are kept from these).
    var reportedDepth = LaneDepth()

    /// Whether nothing is queued, in flight or waiting for the dead-letter topic.
    var isIdle: Bool { lane.isIdle && deadLettersPending == 0 }

    /// Whether its state may be released now: keyed, idle, and no request of its own under way.
    var isReleasable: Bool {
        guard keyed, isIdle, !refreshing, !waitingForAccount, !waitingForCreate, pendingPacker == nil else {
            return false
        }
        if case .creating = existence { return false }
        return true
    }
}

/// Records, bytes and messages in flight of a lane, as reported for metrics (also summed by the runtime for streams
/// folded into one metric label).
public struct LaneDepth: Sendable, Equatable {
    public var records = 0
    public var bytes = 0
    public var inFlight = 0

    public static let zero = LaneDepth()

    public init(records: Int = 0, bytes: Int = 0, inFlight: Int = 0) {
        self.records = records
        self.bytes = bytes
        self.inFlight = inFlight
    }

    public static func + (lhs: LaneDepth, rhs: LaneDepth) -> LaneDepth {
        LaneDepth(
            records: lhs.records + rhs.records, bytes: lhs.bytes + rhs.bytes, inFlight: lhs.inFlight + rhs.inFlight)
    }

    public static func - (lhs: LaneDepth, rhs: LaneDepth) -> LaneDepth {
        LaneDepth(
            records: lhs.records - rhs.records, bytes: lhs.bytes - rhs.bytes, inFlight: lhs.inFlight - rhs.inFlight)
    }
}
