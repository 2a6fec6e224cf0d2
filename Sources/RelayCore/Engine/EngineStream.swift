/// One stream's state inside `RelayEngine`: its lane (queue, packer, pacer with arrival guard, in-flight window),
/// whether Twilio has it, its TTL refresh, and its place in the scheduler. Owned by the engine, never shared.
struct EngineStream: Sendable {
    /// Where the stream is in its life at Twilio.
    enum Phase: Sendable, Equatable {
        /// Not asked yet: its first step asks for it to be created.
        case unknown
        /// Waiting in the create queue for a token (`PublishGate`); `recreate`: it vanished while in use.
        case queuedForCreate(recreate: Bool)
        /// A `.createStream` is on its way.
        case creating(recreate: Bool)
        /// The last create failed: try again at `retryAt`.
        case createBackoff(retryAt: Instant, recreate: Bool)
        /// Created, or found already there: messages may go.
        case exists
    }

    /// Its TTL at Twilio: when it was last set, whether Twilio holds another than the settings' (a reload changed
    /// it, or a refresh failed: set it with the next accepted publish), and whether a refresh is on its way.
    struct TTLClock: Sendable, Equatable {
        /// When the TTL was last set (created or refreshed); nil before creation.
        var setAt: Instant?
        var outdated = false
        var refreshing = false

        /// Whether to refresh at `now` (after an accepted publish): half the TTL has passed since it was set and
        /// `ttlRefresh` is on, or Twilio holds an outdated one.
        func isDue(now: Instant, ttl: Duration, ttlRefresh: Bool) -> Bool {
            guard !refreshing, let setAt else { return false }
            return outdated || (ttlRefresh && ttl > .zero && now - setAt >= ttl / 2)
        }

        /// A refresh was sent at `now`.
        mutating func refreshSent(now: Instant) {
            refreshing = true
            outdated = false
            setAt = now
        }

        /// The refresh was answered; a failure makes it due again with the next accepted publish.
        mutating func refreshAnswered(accepted: Bool, now: Instant, ttl: Duration) {
            refreshing = false
            guard !accepted else { return }
            setAt = now - ttl / 2
            outdated = true
        }

        /// The stream was created (`created`) or found existing at `now`.
        mutating func streamExists(created: Bool, now: Instant) {
            setAt = now
            if created { outdated = false }
        }
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
    var phase = Phase.unknown
    var ttl = TTLClock()
    /// Partitions whose records this stream has received (to discard on revoke and resume after back-pressure).
    var partitions: Set<TopicPartition> = []
    /// Create attempts since the stream was last known to exist (for the backoff).
    var failedCreates = 0
    /// How often each in-flight message needed the stream recreated (for `RetryPolicy.maxRecreations`).
    var recreations: [UInt64: Int] = [:]
    /// Dead-letter writes of this stream's records not yet acknowledged.
    var deadLettersPending = 0
    /// The instant of this stream's live entry in the scheduler (earlier entries win; later ones are stale).
    var scheduledAt: Instant?
    /// Waiting for room under the account-wide cap (queued in the `PublishGate`).
    var waitingForAccount = false
    /// Partitions whose revoke ended while this stream's messages still held their records, each with the lane's
    /// next sequence number then: a message packed before that holds one of their records is withdrawn instead of
    /// sent again (`RelayEngine.withdrawRevokedRecords`), even when the partition was assigned again since.
    var revokedWhileInFlight: [TopicPartition: UInt64] = [:]
    /// Since when a keyed stream has been idle (nil: busy, or not keyed).
    var idleSince: Instant?
    /// Its share of the group's budget as last reported (a stream shared by the group; `RelayEngine+Budget`).
    var allowance: GroupBudget.Allowance?
    /// The lane depth last reported (the route's totals are kept from these).
    var reportedDepth = LaneDepth()

    /// Whether nothing is queued, in flight or waiting for the dead-letter topic.
    var isIdle: Bool { lane.isIdle && deadLettersPending == 0 }

    /// Whether no request of its own is under way or waiting: no create asked or queued, no TTL refresh, no wait
    /// for the account cap, no packer waiting to take over.
    var isSettled: Bool {
        switch phase {
        case .queuedForCreate, .creating: false
        case .unknown, .createBackoff, .exists: !ttl.refreshing && !waitingForAccount && pendingPacker == nil
        }
    }

    /// Whether its state may be released now: keyed, idle and settled.
    var isReleasable: Bool { keyed && isIdle && isSettled }
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
