import DequeModule

/// The relay's whole policy as one pure value: routing, every stream's lane (queue, packer, pacer with arrival
/// guard, in-flight window), the offset tracker, held and paused partitions, the scale-out shares, the account-wide
/// concurrency cap, stream creation and TTL refresh, retries and dead letters.
///
/// Events go in (`handle(_:now:into:)`), actions come out (`EngineAction`), in the style of swift-kafka-client's
/// `KafkaConsumer.StateMachine`: no locks, no clock (every event carries `now`), no I/O, and randomness (retry
/// jitter) from a seeded generator, so a run is a deterministic function of its events. The driver in RelayRuntime
/// holds it under one lock, performs the actions outside it through the ports, and feeds back the answers.
///
/// One scheduler (`StreamScheduler`, a heap) decides which streams are due; an idle stream has no entry, no task and
/// no timer. At-least-once is the engine's property: an offset becomes committable only when its record was
/// accepted by Twilio, or deliberately dropped (counted) or dead-lettered (acknowledged).
public struct RelayEngine: Sendable {
    /// What the engine is built from.
    public struct Settings: Sendable {
        /// Routes and per-stream settings.
        public var configuration: RelayConfiguration
        /// Whether a dead-letter topic is configured (otherwise drops are only counted).
        public var deadLetters: Bool
        /// The run's epoch for messages' `e` field (nil: omitted).
        public var epoch: UInt64?
        /// The most records one partition may have outstanding before it is paused.
        public var maxOutstandingPerPartition: Int
        /// Seeds the retry jitter.
        public var seed: UInt64
        /// How long a newly assigned partition waits before it counts toward its streams' budgets
        /// (`PartitionHandoffs`; default `RelayEngine.handoffHold`). Zero counts it at once: only for tests of other
        /// concerns, since a previous owner's last sends may then share a window with this member's first.
        public var handoffHold: Duration

        /// Settings for `configuration`.
        public init(
            configuration: RelayConfiguration, deadLetters: Bool, epoch: UInt64? = nil,
            maxOutstandingPerPartition: Int = OffsetTracker.defaultMaxOutstanding, seed: UInt64 = 0,
            handoffHold: Duration = RelayEngine.handoffHold
        ) {
            self.configuration = configuration
            self.deadLetters = deadLetters
            self.epoch = epoch
            self.maxOutstandingPerPartition = maxOutstandingPerPartition
            self.seed = seed
            self.handoffHold = handoffHold
        }
    }

    /// A record held back by back-pressure; `received` says whether the offset tracker already counts it.
    struct HeldRecord: Sendable {
        var record: SourceRecord
        var received: Bool
    }

    /// A dead-letter write not yet acknowledged.
    struct PendingDeadLetter: Sendable {
        var letter: DeadLetter
        /// The stream it was meant for (nil: a record no stream could take).
        var slot: Int?
        /// The metrics label of the stream or route.
        var label: String
        var failures = 0
    }

    var settings: Settings
    var router: StreamRouter
    /// How many reloads the configuration has had: a stream whose `generation` is older takes its route's current
    /// settings when its next record comes (`reconfigure` could not reach it: it had no partition then).
    var configurationGeneration = 0
    /// Every stream's state, by slot; `slotByName` finds a stream's slot.
    var streams: [EngineStream?] = []
    var slotByName: [String: Int] = [:]
    /// Slots of released streams, for the next new ones.
    var freeSlots: [Int] = []
    /// Per route label: streams with state, lane depth totals, idle keyed streams (`RelayEngine+Lifecycle`).
    var routes: [String: RouteState] = [:]
    /// Released streams known to exist at Twilio.
    var known: KnownStreams
    /// Paces stream creation across the account; streams waiting for a token queue in `createWaiting`.
    var creates: CreateLimiter
    var createWaiting = Deque<Int>()
    var createsScheduledAt: Instant?
    /// The instant of the first event, when the run's epoch was taken (for keyed streams' epochs).
    var startedAt: Instant?
    var tracker: OffsetTracker
    /// Records of a blocked partition, in offset order, waiting to be offered again.
    var held: [TopicPartition: Deque<HeldRecord>] = [:]
    /// Partitions that should be paused (back-pressure or stop), and those the driver was told to pause.
    var paused: Set<TopicPartition> = []
    var pausedReported: Set<TopicPartition> = []
    /// The streams each assigned partition feeds, and those of partitions being revoked (until the drain ends).
    var feeding: [TopicPartition: Set<Int>] = [:]
    var draining: [TopicPartition: Set<Int>] = [:]
    var assignment = PartitionAssignment()
    /// When each owned partition starts counting toward the streams' budgets (`RelayEngine+Budget`).
    var handoffs: PartitionHandoffs
    var handoffScheduledAt: Instant?
    var stopping = false
    var scheduler = StreamScheduler()
    /// The instant of the last `.wake` asked for and not yet reached.
    var wakeRequested: Instant?
    /// Some record became done while partitions are paused: see whether they may resume.
    var resumeCheckNeeded = false
    var account = AccountConcurrencyLimit()
    var accountInFlight = 0
    var accountWaiting = Deque<Int>()
    var accountLowerings = 0
    /// The fastest recent round trip of any stream (the lowest of their arrival guards' baselines) and when it was
    /// measured; the arrival guards count excess latency from it (`ArrivalGuard.earliestSend`). Replaced by the
    /// next stream's baseline once older than `roundTripFloorHorizon`, so a lasting slower path is learnt.
    var roundTripFloor: (nanoseconds: Int64, measuredAt: Instant)?
    static let roundTripFloorHorizon: Int64 = 10_000_000_000
    /// Registry schemas by id (bounded), and the ids asked of the registry and not answered yet.
    var schemas: GenerationalCache<UInt32, SchemaEntry>
    var schemasRequested: Set<UInt32> = []
    var deadLetters: [UInt64: PendingDeadLetter] = [:]
    var nextDeadLetterID: UInt64 = 1
    var random: SeededGenerator
    /// The most publishes in flight at once (`publishCeiling(_:)`); the account cap lowers it further after 20429.
    let publishCeiling: Int

    /// An engine with nothing assigned.
    public init(settings: Settings) {
        self.settings = settings
        publishCeiling = Self.publishCeiling(settings.configuration.twilio)
        router = StreamRouter(configuration: settings.configuration)
        known = KnownStreams(capacity: settings.configuration.twilio.knownStreams)
        schemas = GenerationalCache(capacity: settings.configuration.schemaRegistry?.cacheSize ?? 1000)
        creates = CreateLimiter(rate: settings.configuration.twilio.maxCreatesPerSecond)
        tracker = OffsetTracker(maxOutstandingPerPartition: settings.maxOutstandingPerPartition)
        random = SeededGenerator(seed: settings.seed)
        handoffs = PartitionHandoffs(hold: settings.handoffHold)
    }

    /// How long a newly assigned partition waits before it counts toward its streams' budgets: Twilio's one-second
    /// window and a tenth of it for arrival jitter (`pacerWindow`, the same margin that keeps a released keyed
    /// stream's new life out of its old life's window).
    public static let handoffHold = pacerWindow

    // MARK: Events

    /// Applies `event` at `now`, appending what the driver must do to `actions` (in order).
    public mutating func handle(_ event: EngineEvent, now: Instant, into actions: inout [EngineAction]) {
        if startedAt == nil { startedAt = now }
        switch event {
        case .recordsReceived(let records):
            receive(records, now: now, into: &actions)
        case .partitionsAssigned(let partitions, let assignment):
            assign(partitions, assignment: assignment, now: now, into: &actions)
        case .partitionsRevoked(let partitions, let remaining):
            revoke(partitions, remaining: remaining, now: now, into: &actions)
        case .revokeDrainEnded(let partitions):
            endRevoke(partitions, now: now, into: &actions)
        case .publishAnswered(let stream, let sequence, let outcome):
            publishAnswered(stream: stream, sequence: sequence, outcome: outcome, now: now, into: &actions)
        case .streamCreateAnswered(let stream, let outcome):
            createAnswered(stream: stream, outcome: outcome, now: now, into: &actions)
        case .ttlRefreshAnswered(let stream, let outcome):
            refreshAnswered(stream: stream, outcome: outcome, now: now, into: &actions)
        case .deadLetterAnswered(let id, let written):
            deadLetterAnswered(id: id, written: written, now: now, into: &actions)
        case .timeReached:
            wakeRequested = nil
        case .stopRequested:
            stopping = true
            paused.formUnion(assignment.partitions)
        case .configurationChanged(let configuration):
            reconfigure(configuration, now: now, into: &actions)
        case .schemaAnswered(let id, let answer):
            schemaAnswered(id: id, answer: answer, now: now, into: &actions)
        }
        runUntilSettled(now: now, into: &actions)
        reportPauses(into: &actions)
        requestWake(into: &actions)
    }

    /// `handle(_:now:into:)` returning the actions.
    public mutating func handle(_ event: EngineEvent, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        handle(event, now: now, into: &actions)
        return actions
    }

    // MARK: Queries

    /// Whether nothing is queued, in flight or waiting for the dead-letter topic, and no record is held back for a
    /// stream to have room (unless stopping: then held records wait for the next run).
    public var isIdle: Bool {
        streams.allSatisfy { $0?.isIdle ?? true } && deadLetters.isEmpty && (stopping || held.isEmpty)
    }

    /// Streams with state (a keyed route's idle streams are released after `idleAfter`).
    public var activeStreamCount: Int { slotByName.count }

    /// Released streams remembered as existing at Twilio.
    public var knownStreamCount: Int { known.count }

    /// The creates per second in force (lower than configured after a 429).
    public var createRate: Int { creates.rate }

    /// Whether the streams fed by `partitions` (being revoked) have nothing in flight nor waiting for the
    /// dead-letter topic, so the revoke's drain may end.
    public func isDrained(_ partitions: [TopicPartition]) -> Bool {
        partitions.allSatisfy { partition in
            (draining[partition] ?? []).allSatisfy { slot in
                streams[slot].map { $0.lane.inFlightCount == 0 && $0.deadLettersPending == 0 } ?? true
            }
        }
    }

    /// The offset to commit for each partition with done records (one past the last contiguous done record).
    public var commitOffsets: [TopicPartition: Int64] { tracker.commitOffsets }

    /// The account-wide cap (nil: none), publishes in flight, and how often the cap was lowered.
    public var accountConcurrency: (limit: Int?, inFlight: Int, lowerings: Int) {
        (account.limit, accountInFlight, accountLowerings)
    }

    /// Whether any partition is assigned.
    public var hasAssignment: Bool { !assignment.partitions.isEmpty }

    /// Scheduler wake-ups so far (entries that came due), for the benchmarks' idle-cost figure.
    public var schedulerWakeups: UInt64 { scheduler.wakeups }

    /// Partitions the driver was told to pause.
    public var pausedPartitions: Set<TopicPartition> { pausedReported }

    // MARK: After every event

    /// Steps the streams that are due, then lets paused partitions resume where records became done, until neither
    /// has anything left to do at `now`.
    private mutating func runUntilSettled(now: Instant, into actions: inout [EngineAction]) {
        while true {
            runDue(now: now, into: &actions)
            guard resumeCheckNeeded else { return }
            resumeCheckNeeded = false
            resumeDrainedPartitions(now: now, into: &actions)
        }
    }

    /// Tells the driver which partitions to pause and resume: the difference between what should be paused and
    /// what it was told.
    private mutating func reportPauses(into actions: inout [EngineAction]) {
        guard paused != pausedReported else { return }
        let toPause = paused.subtracting(pausedReported)
        let toResume = pausedReported.subtracting(paused)
        if !toPause.isEmpty { actions.append(.pause(toPause.sorted(by: Self.inOrder))) }
        if !toResume.isEmpty { actions.append(.resume(toResume.sorted(by: Self.inOrder))) }
        pausedReported = paused
    }

    /// Asks for a wake-up at the scheduler's earliest entry, unless one at or before it is already asked for.
    private mutating func requestWake(into actions: inout [EngineAction]) {
        guard let earliest = scheduler.earliest else { return }
        if let requested = wakeRequested, requested <= earliest { return }
        wakeRequested = earliest
        actions.append(.wake(at: earliest))
    }

    /// Partitions by topic, then number: the engine's one order wherever it walks a set, so runs replay.
    static func inOrder(_ lhs: TopicPartition, _ rhs: TopicPartition) -> Bool {
        lhs.topic != rhs.topic ? lhs.topic < rhs.topic : lhs.partition < rhs.partition
    }
}
