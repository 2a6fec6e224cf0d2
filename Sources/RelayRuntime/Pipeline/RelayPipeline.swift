import Foundation
import Logging
import RelayCore
import RelayTimers
import Synchronization

/// The driver of `RelayEngine`: one serial loop (`SerialLoop`, a dedicated thread) owns the engine, without a lock.
/// Every callback (records and rebalances from the consumer's poll thread, Twilio's answers from the libcurl loop's
/// thread, dead-letter acknowledgements from the producer's thread, the wake-up from the timer thread) enqueues an
/// `EngineEvent`; the loop hands each to the engine and performs the actions that come out through the ports, in the
/// engine's order. A revoke's drain ending and a graceful stop's drain ending are noticed by the loop after the event
/// that brought them, and handed to whoever waits for them.
///
/// No task per stream and none per message: a publish is a libcurl transfer whose answer comes back to the loop as
/// an event; the engine's one scheduler asks for the next wake-up of its one timer.
public final class RelayPipeline: ConsumerEvents, Sendable {
    /// What the loop owns.
    struct Driven: Sendable {
        var engine: RelayEngine
        /// The consumer's fetch control and its committer (set once by `attach`, before the consumer runs).
        var partitionControl: (any PartitionControl)?
        var committer: (any OffsetCommitter)?
        /// The actions of the event being handled (kept, so that its capacity is reused).
        var actions: [EngineAction] = []
        /// A revoke whose drain has not ended: its partitions and the poll thread's wait for its end (its final
        /// offsets handed to the committer).
        var revoke: (partitions: [TopicPartition], reply: Reply<Bool>)?
        /// Graceful stops waiting for the engine to be idle.
        var drains: [Reply<Bool>] = []
        /// `run()` has ended: nothing more is sent, and a revoke waits for nothing.
        var closed = false
    }

    /// The ports the driver performs the engine's actions through (`RelayApplication` assembles the adapters; the
    /// driver's tests fake them).
    public struct Ports: Sendable {
        /// Twilio Sync.
        public var publisher: any StreamPublisher
        /// The dead-letter topic (nil: none configured; drops are then counted only).
        public var deadLetters: (any DeadLetterSink)?
        /// The engine's one timer.
        public var timer: any WakeTimer
        /// The Schema Registry (nil: none configured).
        public var schemas: (any SchemaSource)?
        /// Twilio Sync's Documents and Maps, for routes with a `snapshot`.
        public var snapshots: any SnapshotWriter
        /// Whether each connection to Twilio carries one request at a time (HTTP/1.1): the engine then caps the
        /// publishes in flight by `twilio.maxConnections` too.
        public var oneRequestPerConnection: Bool
        /// What Twilio says of the account's concurrency on every response (nil: nothing; the budget then knows
        /// only the configured limit and the 20429s).
        public var concurrency: (any TwilioConcurrencySource)?

        public init(
            publisher: any StreamPublisher, deadLetters: (any DeadLetterSink)?, timer: any WakeTimer,
            schemas: (any SchemaSource)?, snapshots: any SnapshotWriter, oneRequestPerConnection: Bool = false,
            concurrency: (any TwilioConcurrencySource)? = nil
        ) {
            self.concurrency = concurrency
            self.publisher = publisher
            self.snapshots = snapshots
            self.deadLetters = deadLetters
            self.timer = timer
            self.schemas = schemas
            self.oneRequestPerConnection = oneRequestPerConnection
        }
    }

    let loop: SerialLoop<Driven>
    let configuration: RelayConfiguration
    let publisher: any StreamPublisher
    let deadLetters: (any DeadLetterSink)?
    let schemas: (any SchemaSource)?
    let snapshotWriter: any SnapshotWriter
    let observer: any RelayObserver
    let health: HealthState
    let logger: Logger
    let clock: MonotonicClock
    /// The wall clock records' ages are measured with (freshness metrics).
    let wallClock: WallClock
    /// The partitions `sync_relay_consumer_lag_seconds` has a series of (the engine's owned ones at the last
    /// statistics), so that a partition no longer owned loses its series.
    let exportedWaiting = Mutex<Set<TopicPartition>>([])
    let timer: any WakeTimer
    /// Readiness's view of a sustained Twilio outage, and of the Schema Registry's.
    let availability: PeerAvailability
    let registryAvailability: PeerAvailability

    /// Creates the pipeline, performing through `ports`. `clock` is the one timeline of the engine, its wake timer
    /// and the outage trackers; `wallClock` measures records' ages from their Kafka timestamps.
    public init(
        configuration: RelayConfiguration, ports: Ports, observer: any RelayObserver, health: HealthState,
        logger: Logger, clock: MonotonicClock = MonotonicClock(), wallClock: WallClock = .system
    ) {
        self.configuration = configuration
        publisher = ports.publisher
        deadLetters = ports.deadLetters
        schemas = ports.schemas
        snapshotWriter = ports.snapshots
        timer = ports.timer
        self.observer = observer
        self.health = health
        self.logger = logger
        self.clock = clock
        self.wallClock = wallClock
        availability = PeerAvailability(
            .twilio, threshold: configuration.twilio.unavailableAfter, wording: .twilio, clock: clock, health: health,
            logger: logger)
        registryAvailability = PeerAvailability(
            .schemaRegistry, threshold: configuration.schemaRegistry?.unreadyAfter ?? .seconds(30),
            wording: .schemaRegistry, clock: clock, health: health, logger: logger)
        let settings = RelayEngine.Settings(
            configuration: configuration, deadLetters: ports.deadLetters != nil,
            epoch: UInt64(Date().timeIntervalSince1970 * 1000), seed: UInt64.random(in: .min ... .max),
            oneRequestPerConnection: ports.oneRequestPerConnection)
        loop = SerialLoop(name: "relay-engine", state: Driven(engine: RelayEngine(settings: settings)))
        // Enqueued on the thread that received the response, before its answer: the engine sees each observation
        // while its request still counts as in flight.
        ports.concurrency?.subscribe { [weak self] observation in
            self?.apply(.twilioConcurrencyObserved(observation))
        }
    }

    /// Gives the pipeline the consumer it pauses and resumes, and commits through (the consumer is built after the
    /// pipeline, which is its `ConsumerEvents`). Call before the consumer runs.
    public func attach(partitionControl: any PartitionControl, committer: any OffsetCommitter) {
        loop.enqueue { driven in
            driven.partitionControl = partitionControl
            driven.committer = committer
        }
    }

    /// Starts the engine (which asks for the start-up probe of Twilio: readiness must not wait for the first
    /// record), then waits until cancelled. Publishing needs no task: it runs on the loop.
    public func run() async {
        apply(.started)
        let cancelled = Reply<Bool>()
        await withTaskCancellationHandler {
            _ = await cancelled.value()
        } onCancel: {
            cancelled.fulfil(true)
        }
        loop.enqueue { [self] driven in
            driven.closed = true
            timer.cancel()
            settle(&driven)
        }
    }

    /// `.probeTwilio`: ready when Twilio answered well, not ready (with what an operator should read) otherwise.
    /// Publishes and stream creation keep readiness up to date after that.
    func probeTwilio() {
        publisher.probe { [self] outcome, explanation in
            if outcome == .accepted {
                health.setReady(.twilio)
            } else {
                observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
                health.setNotReady(.twilio, reason: "Twilio is not usable yet: \(explanation ?? "\(outcome)")")
                logger.warning("twilio.probe.failed", metadata: [LogKey.outcome: .string("\(outcome)")])
            }
            apply(.twilioProbeAnswered(outcome))
        }
    }

    /// Stops intake (every assigned partition is paused and later records are held) and waits until every lane is
    /// idle or `deadline` passes. Returns whether everything was drained.
    @discardableResult
    public func drain(deadline: ContinuousClock.Instant) async -> Bool {
        let reply = Reply<Bool>()
        loop.enqueue { [self] driven in
            driven.drains.append(reply)
            handle(.stopRequested, &driven)
        }
        let deadlineTimer = Timers.at(deadline) { reply.fulfil(false) }
        defer { deadlineTimer.cancel() }
        return await reply.value()
    }

    /// Applies a reloaded configuration's routes and stream settings (`RelayEngine.reconfigure`); the caller has
    /// checked that nothing else changed (`ConfigurationReload`).
    public func reconfigure(_ configuration: RelayConfiguration) {
        apply(.configurationChanged(configuration))
    }

    /// Whether nothing is queued, in flight or waiting to be dead-lettered. Waits for the loop (tests).
    public var isIdle: Bool { loop.sync { $0.engine.isIdle } }

    /// The account-wide cap on publishes in flight (nil: none), publishes in flight, and how often it was lowered.
    /// Waits for the loop (tests).
    public var accountConcurrency: (limit: Int?, inFlight: Int, lowerings: Int) {
        let figures = loop.sync { driven in
            let concurrency = driven.engine.accountConcurrency
            return [concurrency.limit ?? -1, concurrency.inFlight, concurrency.lowerings]
        }
        return (figures[0] < 0 ? nil : figures[0], figures[1], figures[2])
    }

    /// The account's budget from `Twilio-Concurrent-Requests`: its limit in force (nil: unknown), what its other
    /// clients used lately, and the cap on publishes in flight. Waits for the loop (tests).
    public var accountBudget: (accountLimit: Int?, others: Int, inFlightLimit: Int) {
        let figures = loop.sync { [clock] driven in
            let budget = driven.engine.accountBudget(now: clock.now())
            return [budget.accountLimit ?? -1, budget.others, budget.inFlightLimit]
        }
        return (figures[0] < 0 ? nil : figures[0], figures[1], figures[2])
    }

    // MARK: Events in, actions out

    /// Hands `event` to the engine on the loop, after the events enqueued before it.
    func apply(_ event: EngineEvent) {
        loop.enqueue { [self] driven in handle(event, &driven) }
    }

    /// On the loop: hands `event` to the engine at the current instant, performs what it asks, and hands over what
    /// waits for the engine's state (a revoke's drain, a graceful stop's drain).
    func handle(_ event: EngineEvent, _ driven: inout Driven) {
        driven.engine.handle(event, now: clock.now(), into: &driven.actions)
        perform(
            driven.actions, closed: driven.closed, partitionControl: driven.partitionControl,
            committer: driven.committer)
        driven.actions.removeAll(keepingCapacity: true)
        settle(&driven)
    }

    /// On the loop, after every event: ends a revoke whose streams are drained (or at once once closed), and tells
    /// graceful stops when the engine is idle.
    func settle(_ driven: inout Driven) {
        if let revoke = driven.revoke, driven.closed || driven.engine.isDrained(revoke.partitions) {
            endRevoke(&driven)
        }
        if !driven.drains.isEmpty {
            driven.drains.removeAll { $0.isFulfilled }
            if driven.engine.isIdle {
                for reply in driven.drains { reply.fulfil(true) }
                driven.drains = []
            }
        }
    }

    /// On the loop: ends the revoke under way (the engine's `.commit` hands its final offsets to the committer),
    /// then lets the poll thread go on, to commit them.
    func endRevoke(_ driven: inout Driven) {
        guard let revoke = driven.revoke else { return }
        driven.revoke = nil
        handle(.revokeDrainEnded(revoke.partitions), &driven)
        revoke.reply.fulfil(true)
    }
}
