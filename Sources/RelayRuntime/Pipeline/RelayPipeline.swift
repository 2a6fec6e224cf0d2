import Foundation
import Logging
import RelayCore
import RelayKafka
import RelaySync
import RelayTimers
import Synchronization

/// The driver of `RelayEngine`: it holds the engine under one lock, turns every callback (records and rebalances
/// from the consumer's poll thread, Twilio's answers from the libcurl loop's thread, dead-letter acknowledgements
/// from the producer's thread, the wake-up from the timer thread) into an `EngineEvent`, and performs the actions
/// that come out through the ports, outside the lock. It makes no policy decision of its own.
///
/// No task per stream and none per message: a publish is a libcurl transfer whose answer goes straight back into
/// the engine; the engine's one scheduler asks for the next wake-up of its one timer.
public final class RelayPipeline: KafkaConsumerHandler, Sendable {
    struct State {
        var engine: RelayEngine
        /// Numbers every event, so pause and resume performed on different threads apply in the engine's order.
        var eventNumber: UInt64 = 0
        /// The last `now` given to the engine: each event's is at least this (threads read the clock in turn).
        var lastNow = Instant.zero
    }

    let state: Mutex<State>
    let configuration: RelayConfiguration
    let client: SyncStreamsClient
    let publisher: any StreamPublisher
    let deadLetters: (any DeadLetterSink)?
    let observer: any RelayObserver
    let health: HealthState
    let logger: Logger
    let clock: MonotonicClock
    let timer: any WakeTimer
    /// Readiness's view of a sustained Twilio outage.
    let availability: PeerAvailability
    /// The Schema Registry (nil: none configured), and readiness's view of its outages.
    let registry: SchemaRegistryClient?
    let registryAvailability: PeerAvailability
    /// The consumer's fetch control, for pause and resume (set once by `attach`).
    let partitionControl = Mutex<(any PartitionControl)?>(nil)
    /// The event number of the last pause or resume applied to each partition.
    let partitionOrder = Mutex<[TopicPartition: UInt64]>([:])
    /// Set when `run()` has ended: nothing more is sent, and a revoke waits for nothing.
    let closed = Atomic<Bool>(false)
    let fatal = Mutex<KafkaError?>(nil)

    /// Creates the pipeline. `deadLetters` is nil when no dead-letter topic is configured (drops are then counted
    /// only). `clock` is the one timeline of the engine, its wake timer and the outage tracker.
    public init(
        configuration: RelayConfiguration, client: SyncStreamsClient, deadLetters: (any DeadLetterSink)?,
        observer: any RelayObserver, health: HealthState, logger: Logger, clock: MonotonicClock = MonotonicClock(),
        registry: SchemaRegistryClient? = nil
    ) {
        self.registry = registry
        registryAvailability = PeerAvailability(
            .schemaRegistry, threshold: configuration.schemaRegistry?.unreadyAfter ?? .seconds(30),
            wording: .schemaRegistry, clock: clock, health: health, logger: logger)
        self.configuration = configuration
        self.client = client
        publisher = SyncStreamPublisher(client: client)
        self.deadLetters = deadLetters
        self.observer = observer
        self.health = health
        self.logger = logger
        self.clock = clock
        timer = EngineWakeTimer(clock: clock)
        availability = PeerAvailability(
            .twilio, threshold: configuration.twilio.unavailableAfter, wording: .twilio, clock: clock, health: health,
            logger: logger)
        let settings = RelayEngine.Settings(
            configuration: configuration, deadLetters: deadLetters != nil,
            epoch: UInt64(Date().timeIntervalSince1970 * 1000), seed: UInt64.random(in: .min ... .max),
            oneRequestPerConnection: client.carriesOneRequestPerConnection)
        state = Mutex(State(engine: RelayEngine(settings: settings)))
    }

    /// Gives the pipeline the consumer it pauses and resumes.
    public func attach(partitionControl: any PartitionControl) {
        self.partitionControl.withLock { $0 = partitionControl }
    }

    /// Checks at start that Twilio answers and accepts the credentials (readiness must not wait for the first
    /// record), then waits until cancelled. Publishing needs no task: it runs on the callbacks.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.probeTwilio() }
            while !Task.isCancelled { try? await Timers.sleep(for: .seconds(3600)) }
        }
        closed.store(true, ordering: .releasing)
        timer.cancel()
    }

    /// Lists one page of streams until Twilio answers: ready on success, not ready (with the reason) otherwise,
    /// retrying every few seconds. Publishes and stream creation keep readiness up to date after that.
    func probeTwilio() async {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(30))
        var failures = 0
        while !Task.isCancelled {
            do {
                _ = try await client.listStreamsPage(pageSize: 1)
                health.setReady(.twilio)
                return
            } catch {
                let outcome = error.outcome
                observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
                health.setNotReady(
                    .twilio,
                    reason:
                        "Twilio is not usable yet: \(error.commandLineMessage(baseURL: configuration.twilio.baseURL))")
                logger.warning("twilio.probe.failed", metadata: [LogKey.outcome: .string("\(outcome)")])
            }
            failures += 1
            try? await Timers.sleep(for: backoff.delay(afterFailures: failures))
        }
    }

    /// Stops intake (every assigned partition is paused and later records are held) and waits until every lane is
    /// idle or `deadline` passes. Returns whether everything was drained.
    @discardableResult
    public func drain(deadline: ContinuousClock.Instant) async -> Bool {
        apply(.stopRequested)
        while ContinuousClock.now < deadline {
            if isIdle { return true }
            try? await Timers.sleep(for: .milliseconds(20))
        }
        return isIdle
    }

    /// Applies a reloaded configuration's routes and stream settings (`RelayEngine.reconfigure`); the caller has
    /// checked that nothing else changed (`ConfigurationReload`).
    public func reconfigure(_ configuration: RelayConfiguration) {
        apply(.configurationChanged(configuration))
    }

    /// Whether nothing is queued, in flight or waiting to be dead-lettered.
    public var isIdle: Bool { state.withLock { $0.engine.isIdle } }

    /// The fatal Kafka error that stopped intake, if any.
    public var fatalError: KafkaError? { fatal.withLock { $0 } }

    /// The account-wide cap on publishes in flight (nil: none), publishes in flight, and how often it was lowered.
    public var accountConcurrency: (limit: Int?, inFlight: Int, lowerings: Int) {
        state.withLock { $0.engine.accountConcurrency }
    }

    // MARK: Events in, actions out

    /// Hands `event` to the engine at the current instant and performs what it asks. Returns the offsets of any
    /// `.commit` among the actions (a revoke's final offsets).
    @discardableResult
    func apply(_ event: EngineEvent) -> [TopicPartition: Int64] {
        var actions: [EngineAction] = []
        let number = state.withLock { state -> UInt64 in
            let now = max(clock.now(), state.lastNow)
            state.lastNow = now
            state.eventNumber += 1
            state.engine.handle(event, now: now, into: &actions)
            return state.eventNumber
        }
        return perform(actions, event: number)
    }
}
