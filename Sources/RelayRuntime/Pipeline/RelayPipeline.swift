import Foundation
import Logging
import RelayCore
import RelayKafka
import RelaySync
import Synchronization
import RelayTimers

/// The relay between Kafka and Twilio: routes consumed records to one lane per stream, runs a worker per stream
/// that packs, paces and publishes, applies retry decisions, and marks offsets done only when their records were
/// accepted or deliberately dropped (and dead-lettered when configured).
///
/// Threads: the `KafkaConsumerHandler` methods run on the consumer's poll thread and only touch state under the
/// lock (never awaiting); workers and publishes run as child tasks of `run()`. All shared state is in `state`.
public final class RelayPipeline: KafkaConsumerHandler, Sendable {
    struct State {
        var router: StreamRouter
        var streams: [String: StreamEntry] = [:]
        var tracker: OffsetTracker
        /// Records of a blocked partition, in offset order, waiting to be offered again (back-pressure).
        var held: [TopicPartition: [HeldRecord]] = [:]
        /// Partitions paused for back-pressure or shutdown.
        var paused: Set<TopicPartition> = []
        var assignment = PartitionAssignment()
        /// Streams that need a worker.
        var newStreams: [String] = []
        /// Set by `drain`: records arriving after it are held, not offered.
        var stopping = false
        /// Set when the workers are gone (cancelled): a revoke then waits for nothing.
        var workersStopped = false
        var fatalError: KafkaError?
    }

    let state: Mutex<State>
    let configuration: RelayConfiguration
    let client: SyncStreamsClient
    let registry: StreamRegistry
    let deadLetters: DeadLetterWriter?
    let observer: any RelayObserver
    let health: HealthState
    let logger: Logger
    let clock = MonotonicClock()
    /// Wakes `run()` when a stream needs a worker.
    let workerWakeup = Wakeup()
    /// The consumer, for pause and resume (set once by `attach`).
    let consumer = Mutex<KafkaConsumer?>(nil)
    /// Readiness's view of a sustained Twilio outage.
    let availability: TwilioAvailability
    /// The account-wide cap on publishes in flight, lowered by 20429 (account rate limited).
    let accountGate: AccountGate
    /// Identifies this run in message `e` (epoch) fields, so subscribers can tell a restart from a gap.
    let epoch: UInt64

    /// Creates the pipeline. `deadLetters` is nil when no dead-letter topic is configured (drops are then counted
    /// only).
    public init(
        configuration: RelayConfiguration, client: SyncStreamsClient, deadLetters: DeadLetterWriter?,
        observer: any RelayObserver, health: HealthState, logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.deadLetters = deadLetters
        self.observer = observer
        self.health = health
        self.logger = logger
        availability = TwilioAvailability(threshold: configuration.twilio.unavailableAfter, health: health, logger: logger)
        registry = StreamRegistry(client: client, observer: observer, health: health, availability: availability, logger: logger)
        accountGate = AccountGate(logger: logger)
        epoch = UInt64(Date().timeIntervalSince1970 * 1000)
        state = Mutex(State(router: StreamRouter(configuration: configuration), tracker: OffsetTracker()))
    }

    /// Gives the pipeline the consumer it pauses and resumes.
    public func attach(consumer: KafkaConsumer) {
        self.consumer.withLock { $0 = consumer }
    }

    /// Runs a worker per stream until cancelled, and checks at start that Twilio answers and accepts the
    /// credentials (readiness must not wait for the first record).
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.probeTwilio() }
            while !Task.isCancelled {
                let names = state.withLock { state in
                    defer { state.newStreams.removeAll() }
                    return state.newStreams
                }
                for name in names { group.addTask { await self.work(stream: name) } }
                await workerWakeup.wait(until: nil)
            }
        }
        state.withLock { $0.workersStopped = true }
    }

    /// Lists one page of streams until Twilio answers: ready on success, not ready (with the reason) otherwise,
    /// retrying every few seconds. Publishes and stream creation keep readiness up to date after that.
    func probeTwilio() async {
        var wait = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                _ = try await client.listStreamsPage(pageSize: 1)
                health.setReady(.twilio)
                return
            } catch {
                let outcome = error.outcome
                observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
                health.setNotReady(.twilio, reason: "Twilio is not usable yet: \(error.commandLineMessage(baseURL: configuration.twilio.baseURL))")
                logger.warning("twilio.probe.failed", metadata: [LogKeys.outcome: .string("\(outcome)")])
            }
            try? await Timers.sleep(for: wait)
            wait = min(wait * 2, .seconds(30))
        }
    }

    /// Stops intake (every assigned partition is paused and later records are held) and waits until every lane is
    /// idle or `deadline` passes. Returns whether everything was drained.
    @discardableResult
    public func drain(deadline: ContinuousClock.Instant) async -> Bool {
        let partitions = state.withLock { state in
            state.stopping = true
            state.paused.formUnion(state.assignment.partitions)
            return Array(state.assignment.partitions)
        }
        consumer.withLock { $0 }?.pause(partitions)
        while ContinuousClock.now < deadline {
            if isIdle { return true }
            try? await Timers.sleep(for: .milliseconds(20))
        }
        return isIdle
    }

    /// Whether nothing is queued, in flight or waiting to be dead-lettered.
    public var isIdle: Bool {
        state.withLock { state in state.streams.values.allSatisfy { $0.lane.isIdle && $0.drops.isEmpty } }
    }

    /// The fatal Kafka error that stopped intake, if any.
    public var fatalError: KafkaError? { state.withLock { $0.fatalError } }

    // MARK: Done records and back-pressure

    /// A record held back by back-pressure; `received` says whether the offset tracker already counts it.
    struct HeldRecord {
        var record: SourceRecord
        var received: Bool
    }

    /// Marks `records` done and resumes partitions whose lanes drained.
    func markDone(_ records: [SourceRecord]) {
        guard !records.isEmpty else { return }
        state.withLock { state in
            for record in records { state.tracker.markDone(record.topicPartition, offset: record.offset) }
        }
        resumeDrainedPartitions()
    }

    /// Offers held records of paused partitions again where their lanes have room, and resumes the partitions whose
    /// held records all went in.
    func resumeDrainedPartitions() {
        var toWake: [Wakeup] = []
        let resumable = state.withLock { state -> [TopicPartition] in
            guard !state.stopping else { return [] }
            var resumable: [TopicPartition] = []
            for partition in state.paused {
                var held = state.held[partition] ?? []
                while let first = held.first {
                    if !first.received {
                        switch state.tracker.receive(partition, offset: first.record.offset) {
                        case .full: break
                        case .unassigned, .duplicate:
                            held.removeFirst()
                            continue
                        case .tracked:
                            held[0].received = true
                        }
                        if !held[0].received { break }
                    }
                    guard offer(first.record, in: &state, wake: &toWake) else { break }
                    held.removeFirst()
                }
                state.held[partition] = held.isEmpty ? nil : held
                let lanesHaveRoom = state.streams.values.allSatisfy { !$0.partitions.contains(partition) || $0.lane.canResume }
                if held.isEmpty, lanesHaveRoom, state.tracker.canResume(partition) { resumable.append(partition) }
            }
            state.paused.subtract(resumable)
            return resumable
        }
        for wakeup in toWake { wakeup.signal() }
        if !resumable.isEmpty { consumer.withLock { $0 }?.resume(resumable) }
    }

    /// Offers `record` (already received by the tracker) to its stream's lane, under the lock. Returns false when
    /// the lane refused it (`block`): the caller holds it and pauses the partition.
    func offer(_ record: SourceRecord, in state: inout State, wake: inout [Wakeup]) -> Bool {
        let partition = record.topicPartition
        switch state.router.route(topic: record.topic, partition: record.partition) {
        case .failure(let error):
            logger.error("record.unroutable", metadata: [LogKeys.topic: .string(record.topic), LogKeys.reason: .string(error.reason)])
            observer.recordsDropped(stream: "_unroutable", reason: "invalid-stream-name", count: 1)
            state.tracker.markDone(partition, offset: record.offset)
            return true
        case .success(let route):
            if state.streams[route.name] == nil {
                let share = state.assignment.share(of: record.topic)
                let lane = StreamLane(
                    settings: route.settings.laneSettings(deadLetterDrops: deadLetters != nil && route.settings.oversize == .deadLetter),
                    packer: route.settings.packer(epoch: epoch),
                    pacer: StreamPacer(settings: route.settings.pacerSettings(share: share > 0 ? share : 1))
                )
                state.streams[route.name] = StreamEntry(name: route.name, topic: record.topic, settings: route.settings, lane: lane)
                state.newStreams.append(route.name)
                wake.append(workerWakeup)
            }
            let result = state.streams[route.name]!.lane.offer(record, now: clock.now())
            state.streams[route.name]!.partitions.insert(partition)
            state.streams[route.name]!.drops += result.dropped
            wake.append(state.streams[route.name]!.wakeup)
            if result.shouldPause { state.paused.formUnion(state.streams[route.name]!.partitions) }
            return result.disposition != .refused
        }
    }
}
