/// The relay's whole policy as one pure value. It coordinates small state machines, each owning one concern and
/// tested alone:
///
/// - `StreamTable`: every stream's state by slot (its `StreamLane`: queue, packer, pacer with arrival guard,
///   in-flight window; its `Phase` at Twilio and TTL), per-route counts and the released streams known to exist;
/// - `PartitionFlow`: the offset tracker, held and paused partitions, which streams each partition feeds, revokes;
/// - `PublishGate`: the publish ceiling, the account-wide cap (after 20429) and stream creation pacing;
/// - `SchemaBook`: registry schemas and the fetches under way;
/// - `DeadLetterBook`: dead-letter writes not yet acknowledged;
/// - `PartitionHandoffs` and `GroupBudget`: the scale-out shares (`RelayEngine+Budget`);
/// - `StreamScheduler`: which streams (and retries) are due when.
///
/// Events go in (`handle(_:now:into:)`), actions come out (`EngineAction`), in the style of swift-kafka-client's
/// `KafkaConsumer.StateMachine`: no locks, no clock (every event carries `now`), no I/O, and randomness (retry
/// jitter) from a seeded generator, so a run is a deterministic function of its events. The driver in RelayRuntime
/// owns it on one serial executor, performs the actions through the ports, and feeds back the answers.
///
/// An idle stream has no scheduler entry, no task and no timer. At-least-once is the engine's property: an offset
/// becomes committable only when its record was accepted by Twilio, or deliberately dropped (counted) or
/// dead-lettered (acknowledged).
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
        /// Whether the transport to Twilio carries one request per connection at a time (HTTP/1.1): publishes in
        /// flight are then capped by `twilio.maxConnections` too (`PublishGate.ceiling`). The HTTP client knows.
        public var oneRequestPerConnection: Bool

        /// Settings for `configuration`.
        public init(
            configuration: RelayConfiguration, deadLetters: Bool, epoch: UInt64? = nil,
            maxOutstandingPerPartition: Int = OffsetTracker.defaultMaxOutstanding, seed: UInt64 = 0,
            handoffHold: Duration = RelayEngine.handoffHold, oneRequestPerConnection: Bool = false
        ) {
            self.configuration = configuration
            self.deadLetters = deadLetters
            self.epoch = epoch
            self.maxOutstandingPerPartition = maxOutstandingPerPartition
            self.seed = seed
            self.handoffHold = handoffHold
            self.oneRequestPerConnection = oneRequestPerConnection
        }
    }

    var settings: Settings
    var router: StreamRouter
    /// How many reloads the configuration has had: a stream whose `generation` is older takes its route's current
    /// settings when its next record comes (`reconfigure` could not reach it: it had no partition then).
    var configurationGeneration = 0
    var streams: StreamTable
    var flow: PartitionFlow
    var gate: PublishGate
    var schemas: SchemaBook
    var deadLetters = DeadLetterBook()
    /// Snapshot objects (Documents, Maps) being written, and what is known of released ones.
    var snapshots: SnapshotBook
    /// When each owned partition starts counting toward the streams' budgets (`RelayEngine+Budget`).
    var handoffs: PartitionHandoffs
    var handoffScheduledAt: Instant?
    var scheduler = StreamScheduler()
    /// The instant of the last `.wake` asked for and not yet reached.
    var wakeRequested: Instant?
    var roundTripFloor = RoundTripFloor()
    /// Start-up probes of Twilio that failed in a row (`twilioProbeAnswered`).
    var probeFailures = 0
    var random: SeededGenerator
    /// The instant of the first event, when the run's epoch was taken (for keyed streams' epochs).
    var startedAt: Instant?

    /// An engine with nothing assigned.
    public init(settings: Settings) {
        self.settings = settings
        let twilio = settings.configuration.twilio
        router = StreamRouter(configuration: settings.configuration)
        streams = StreamTable(knownCapacity: twilio.knownStreams)
        snapshots = SnapshotBook(capacity: twilio.knownStreams)
        flow = PartitionFlow(maxOutstandingPerPartition: settings.maxOutstandingPerPartition)
        gate = PublishGate(
            ceiling: PublishGate.ceiling(twilio, oneRequestPerConnection: settings.oneRequestPerConnection),
            createsPerSecond: twilio.maxCreatesPerSecond, accountLimit: twilio.accountConcurrencyLimit)
        schemas = SchemaBook(
            capacity: settings.configuration.schemaRegistry?.cacheSize ?? 1000,
            retryBackoff: SchemaBook.retryBackoff(
                unreadyAfter: settings.configuration.schemaRegistry?.unreadyAfter ?? .seconds(30)))
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
        case .commitRequested:
            let offsets = flow.tracker.commitOffsets
            if !offsets.isEmpty { actions.append(.commit(offsets)) }
        case .publishAnswered(let stream, let sequence, let outcome):
            publishAnswered(stream: stream, sequence: sequence, outcome: outcome, now: now, into: &actions)
        case .streamCreateAnswered(let stream, let outcome):
            createAnswered(stream: stream, outcome: outcome, now: now, into: &actions)
        case .ttlRefreshAnswered(let stream, let outcome):
            refreshAnswered(stream: stream, outcome: outcome, now: now, into: &actions)
        case .snapshotAnswered(let id, let answer):
            snapshotAnswered(id: id, answer: answer, now: now, into: &actions)
        case .deadLetterAnswered(let id, let written):
            deadLetterAnswered(id: id, written: written, now: now, into: &actions)
        case .timeReached:
            wakeRequested = nil
        case .stopRequested:
            flow.stop()
        case .configurationChanged(let configuration):
            reconfigure(configuration, now: now, into: &actions)
        case .schemaAnswered(let id, let answer):
            schemaAnswered(id: id, answer: answer, now: now, into: &actions)
        case .schemaUnavailable(let id):
            if let retryAt = schemas.unreachable(id, now: now) { scheduler.schedule(.schemaFetch(id), at: retryAt) }
        case .started:
            actions.append(.probeTwilio)
            reportConcurrency(now: now, into: &actions)
        case .twilioProbeAnswered(let outcome):
            probeAnswered(outcome, now: now)
        case .twilioConcurrencyObserved(let observation):
            if gate.observed(observation, now: now) { admitGateWaiters(now: now, into: &actions) }
            reportConcurrency(now: now, into: &actions)
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
        streams.allSatisfy(\.isIdle) && snapshots.isIdle && deadLetters.isEmpty
            && (flow.stopping || !flow.holdsRecords)
    }

    /// Streams with state (a keyed route's idle streams are released after `idleAfter`).
    public var activeStreamCount: Int { streams.count }

    /// Released streams remembered as existing at Twilio.
    public var knownStreamCount: Int { streams.knownCount }

    /// The creates per second in force (lower than configured after a 429).
    public var createRate: Int { gate.creates.rate }

    /// Whether the streams fed by `partitions` (being revoked) have nothing in flight nor waiting for the
    /// dead-letter topic, so the revoke's drain may end.
    public func isDrained(_ partitions: [TopicPartition]) -> Bool {
        flow.isDrained(partitions) { slot in
            streams.isDrained(slot)
        } && snapshots.isDrained(Set(partitions))
    }

    /// The offset to commit for each partition with done records (one past the last contiguous done record).
    public var commitOffsets: [TopicPartition: Int64] { flow.tracker.commitOffsets }

    /// The account-wide cap (nil: none), publishes in flight, and how often the cap was lowered.
    public var accountConcurrency: (limit: Int?, inFlight: Int, lowerings: Int) {
        (gate.account.limit, gate.inFlight, gate.lowerings)
    }

    /// The account's budget from `Twilio-Concurrent-Requests`: the account's limit in force (nil: unknown), what
    /// its other clients used lately, and the cap on publishes in flight (the lowest of the ceiling, the AIMD cap
    /// and the budget's).
    public func accountBudget(now: Instant) -> (accountLimit: Int?, others: Int, inFlightLimit: Int) {
        (gate.budget.accountLimit, gate.budget.othersInFlight(now: now), gate.inFlightLimit)
    }

    /// Whether any partition is assigned.
    public var hasAssignment: Bool { !flow.assignment.partitions.isEmpty }

    /// Every partition this relay tracks, with the Kafka timestamp of its oldest record not yet done (nil: none
    /// waits). The driver turns them into `sync_relay_consumer_lag_seconds` with its wall clock.
    public var oldestWaitingTimestamps: [TopicPartition: Int64?] { flow.tracker.oldestWaitingTimestamps }

    /// Scheduler wake-ups so far (entries that came due), for the benchmarks' idle-cost figure.
    public var schedulerWakeups: UInt64 { scheduler.wakeups }

    /// Partitions the driver was told to pause.
    public var pausedPartitions: Set<TopicPartition> { flow.pausedReported }

    /// Snapshot objects (Documents, Maps) with state, their entities with state, and released entities remembered.
    public var snapshotCounts: (objects: Int, entities: Int, remembered: Int) {
        (snapshots.count, snapshots.entityCount, snapshots.rememberedCount)
    }

    /// Schema ids cached.
    public var cachedSchemaCount: Int { schemas.count }

    /// Schema ids asked of the registry and not answered yet.
    public var schemasAwaited: Set<UInt32> { schemas.awaited }

    // MARK: After every event

    /// Steps the streams that are due, then lets paused partitions resume where records became done, until neither
    /// has anything left to do at `now`.
    private mutating func runUntilSettled(now: Instant, into actions: inout [EngineAction]) {
        while true {
            runDue(now: now, into: &actions)
            guard let partitions = flow.takeResumeCheck() else { return }
            resumeDrainedPartitions(partitions, now: now, into: &actions)
        }
    }

    /// Tells the driver which partitions to pause and resume: the difference between what should be paused and
    /// what it was told.
    private mutating func reportPauses(into actions: inout [EngineAction]) {
        let changes = flow.pauseChanges()
        if !changes.pause.isEmpty { actions.append(.pause(changes.pause)) }
        if !changes.resume.isEmpty { actions.append(.resume(changes.resume)) }
    }

    /// Asks for a wake-up at the scheduler's earliest entry, unless one at or before it is already asked for.
    private mutating func requestWake(into actions: inout [EngineAction]) {
        guard let earliest = scheduler.earliest else { return }
        if let requested = wakeRequested, requested <= earliest { return }
        wakeRequested = earliest
        actions.append(.wake(at: earliest))
    }

    /// The wait before the start-up probe of Twilio is made again after a failure.
    static let probeBackoff = Backoff(initial: .seconds(1), maximum: .seconds(30))

    /// The start-up probe was answered: done when Twilio answered well, else asked again after a backoff.
    private mutating func probeAnswered(_ outcome: PublishOutcome, now: Instant) {
        switch outcome {
        case .accepted, .alreadyExists:
            probeFailures = 0
        default:
            probeFailures += 1
            scheduler.schedule(.probe, at: now + Self.probeBackoff.delay(afterFailures: probeFailures))
        }
    }

    /// Partitions by topic, then number: the engine's one order wherever it walks a set, so runs replay.
    static func inOrder(_ lhs: TopicPartition, _ rhs: TopicPartition) -> Bool {
        lhs.topic != rhs.topic ? lhs.topic < rhs.topic : lhs.partition < rhs.partition
    }
}
