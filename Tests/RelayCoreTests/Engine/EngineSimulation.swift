import RelayCore
import RelayTestSupport

/// A whole world around one `RelayEngine`, for property tests: a Kafka log with a consumer group's committed
/// offsets, one consumer (the engine's driver), Twilio answering at random, and a dead-letter topic, all on a
/// manual clock. Crashes throw the engine away and rebuild it from the committed offsets. It checks, as it goes,
/// what the engine promises: nothing committed past a record that was not accepted, dead-lettered or dropped;
/// never more than `rate` sends per stream in a sliding second; nothing of a partition sent after its revoke's
/// drain ended. Worlds with snapshots check theirs too (`EngineSimulation+Snapshots`).
struct EngineSimulation {
    struct RecordID: Hashable, Comparable {
        var partition: TopicPartition
        var offset: Int64
        static func < (lhs: RecordID, rhs: RecordID) -> Bool {
            lhs.partition != rhs.partition
                ? (lhs.partition.topic, lhs.partition.partition) < (rhs.partition.topic, rhs.partition.partition)
                : lhs.offset < rhs.offset
        }
    }

    let configuration: RelayConfiguration
    let deadLetters: Bool
    let rate: Int
    let partitions: [TopicPartition]
    var random: SeededGenerator
    var clock = ManualClock(start: .seconds(1))
    var engine: RelayEngine
    var incarnation = 0

    // Kafka
    var log: [TopicPartition: [SourceRecord]] = [:]
    var committed: [TopicPartition: Int64] = [:]
    var position: [TopicPartition: Int64] = [:]
    var owned: Set<TopicPartition> = []
    var paused: Set<TopicPartition> = []
    /// A revoke under way: its partitions, until `revokeDrainEnded`.
    var revoking: [TopicPartition]?
    var stopped = false

    // Twilio and the dead-letter topic
    var publishes: [PublishRequest] = []
    /// Schema ids the engine asked the registry for.
    var schemaFetches: [UInt32] = []
    var creates: [String] = []
    var refreshes: [String] = []
    var letters: [DeadLetter] = []
    var snapshotRequests: [SnapshotRequest] = []
    /// Twilio's Documents and Maps, as the relay left them (they survive crashes).
    var store = SnapshotStore()
    /// Snapshot requests sent, with when and what they cost, by object.
    var snapshotSends: [String: [(at: Instant, cost: Int)]] = [:]
    /// Snapshot requests sent.
    var snapshotSent = 0
    /// Records whose snapshot part a policy dropped, or the dead-letter topic acknowledged.
    var snapshotDropped: Set<RecordID> = []
    /// Records whose snapshot the engine gave up (dropped, or dead-lettering under way).
    var snapshotGivenUp: Set<RecordID> = []
    var wakeAt: Instant?

    // What happened
    var delivered: Set<RecordID> = []
    var deadLettered: Set<RecordID> = []
    var dropped: [RecordID: DropReason] = [:]
    var acknowledged: Set<RecordID> = []
    var sendTimes: [String: [Instant]] = [:]
    var failures: [String] = []
    var sends = 0

    init(seed: UInt64, configuration: RelayConfiguration, deadLetters: Bool, partitions: [TopicPartition]) {
        self.configuration = configuration
        self.deadLetters = deadLetters
        self.partitions = partitions
        rate = configuration.defaults.rate
        random = SeededGenerator(seed: seed)
        engine = RelayEngine(
            settings: .init(configuration: configuration, deadLetters: deadLetters, seed: seed, handoffHold: .zero))
        for partition in partitions {
            log[partition] = []
        }
    }

    // MARK: Driving

    mutating func apply(_ event: EngineEvent) {
        let actions = engine.handle(event, now: clock.now)
        perform(actions)
    }

    mutating func perform(_ actions: [EngineAction]) {
        for action in actions {
            switch action {
            case .publish(let request):
                checkSend(request)
                publishes.append(request)
            case .createStream(let name, _, _): creates.append(name)
            case .refreshTTL(let name, _): refreshes.append(name)
            case .pause(let partitions): paused.formUnion(partitions)
            case .resume(let partitions): paused.subtract(partitions)
            case .commit(let offsets): commit(offsets)
            case .deadLetter(let letter):
                letters.append(letter)
                if letter.reason.isSnapshotReason { snapshotGivenUp.insert(id(letter.record)) }
            case .wake(let at): wakeAt = at
            case .fetchSchema(let id): schemaFetches.append(id)
            case .probeTwilio: break
            case .writeSnapshot(let request):
                checkSnapshotSend(request)
                snapshotRequests.append(request)
            case .report(.dropped(_, let drops)):
                for drop in drops {
                    if drop.reason.isSnapshotReason {
                        snapshotDropped.insert(id(drop.record))
                        snapshotGivenUp.insert(id(drop.record))
                    } else {
                        dropped[id(drop.record)] = drop.reason
                    }
                }
            case .report(.acknowledged(_, let records)):
                for record in records { acknowledged.insert(id(record)) }
            case .report:
                break
            }
        }
    }

    func id(_ record: SourceRecord) -> RecordID { RecordID(partition: record.topicPartition, offset: record.offset) }

    /// A send's records, decoded from its exact bytes (a batch; chunks carry no coordinates of their own).
    func records(of request: PublishRequest) -> [RecordID] {
        guard let message = try? JSONParser.parse(request.data), case .array(let entries)? = message["r"] else {
            return []
        }
        return entries.compactMap { entry in
            guard case .string(let topic)? = entry["tp"], case .number(let partition)? = entry["p"],
                case .number(let offset)? = entry["o"], let number = Int32(partition), let offset = Int64(offset)
            else { return nil }
            return RecordID(partition: TopicPartition(topic: topic, partition: number), offset: offset)
        }
    }

    mutating func checkSend(_ request: PublishRequest) {
        sends += 1
        sendTimes[request.stream, default: []].append(clock.now)
        let draining = Set(revoking ?? [])
        for record in records(of: request)
        where !owned.contains(record.partition) && !draining.contains(record.partition) {
            failures.append("\(record.partition)@\(record.offset) sent after its partition's revoke drained")
        }
    }

    mutating func commit(_ offsets: [TopicPartition: Int64]) {
        for (partition, offset) in offsets {
            for record in log[partition]! where record.offset < offset && record.offset >= (committed[partition] ?? 0) {
                let id = id(record)
                if publishesStream, !delivered.contains(id) && !deadLettered.contains(id) && dropped[id] == nil {
                    failures.append("committed \(partition)@\(offset) past \(record.offset), which was never handled")
                }
                if let problem = snapshotProblem(committing: record, upTo: offset) {
                    failures.append("committed \(partition)@\(offset) past \(record.offset): \(problem)")
                }
            }
            committed[partition] = max(committed[partition] ?? 0, offset)
        }
    }

    // MARK: The world's moves

    mutating func produce(_ count: Int, to partition: TopicPartition) {
        for _ in 0..<count {
            let offset = Int64(log[partition]!.count)
            let size = Int.random(in: 1...160, using: &random)
            let key: [UInt8]? =
                Bool.random(using: &random) ? Array("k\(Int.random(in: 0..<5, using: &random))".utf8) : nil
            // Worlds with snapshots have tombstones too (drawn only there: other worlds replay as they did).
            let tombstone =
                key != nil && configuration.defaults.snapshot != nil && Int.random(in: 0..<8, using: &random) == 0
            log[partition]!.append(
                SourceRecord(
                    topic: partition.topic, partition: partition.partition, offset: offset, key: key,
                    value: tombstone ? nil : Array(repeating: UInt8(ascii: "a"), count: size)))
        }
    }

    /// The consumer fetches a few records of one owned, unpaused partition.
    mutating func fetch() {
        let fetchable = owned.filter { !paused.contains($0) }.sorted(by: {
            ($0.topic, $0.partition) < ($1.topic, $1.partition)
        })
        guard !stopped, let partition = fetchable.randomElement(using: &random) else { return }
        if position[partition]! >= log[partition]!.count {
            produce(Int.random(in: 1...40, using: &random), to: partition)
        }
        let start = Int(position[partition]!)
        let end = min(log[partition]!.count, start + Int.random(in: 1...30, using: &random))
        position[partition] = Int64(end)
        apply(.recordsReceived(Array(log[partition]![start..<end])))
    }

    mutating func answerPublish(outcome forced: PublishOutcome? = nil) {
        guard !publishes.isEmpty else { return }
        let request = publishes.remove(at: Int.random(in: 0..<publishes.count, using: &random))
        let outcome = forced ?? randomOutcome()
        if outcome == .accepted { delivered.formUnion(records(of: request)) }
        apply(.publishAnswered(stream: request.stream, sequence: request.sequence, outcome: outcome))
    }

    mutating func randomOutcome() -> PublishOutcome {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<70: .accepted
        case 70..<78: .rateLimited(scope: .stream, retryAfter: Bool.random(using: &random) ? .milliseconds(700) : nil)
        case 78..<82: .rateLimited(scope: .account, retryAfter: nil)
        case 82..<87: .serverError(status: 503, twilioCode: nil)
        case 87..<91: .transportError(reason: "reset")
        case 91..<94: .notFound(twilioCode: 20404)
        case 94..<97: .invalid(status: 400, twilioCode: 54008)
        case 97..<99: .unauthorized(status: 401, twilioCode: 20003)
        default: .timeout
        }
    }

    mutating func answerCreate() {
        guard !creates.isEmpty else { return }
        let name = creates.remove(at: Int.random(in: 0..<creates.count, using: &random))
        let roll = Int.random(in: 0..<100, using: &random)
        let outcome: PublishOutcome =
            roll < 80 ? .accepted : roll < 90 ? .alreadyExists : .serverError(status: 500, twilioCode: nil)
        apply(.streamCreateAnswered(stream: name, outcome: outcome))
    }

    mutating func answerRefresh() {
        guard !refreshes.isEmpty else { return }
        let name = refreshes.removeFirst()
        apply(.ttlRefreshAnswered(stream: name, outcome: Bool.random(using: &random) ? .accepted : .timeout))
    }

    mutating func answerDeadLetter(written forced: Bool? = nil) {
        guard !letters.isEmpty else { return }
        let letter = letters.remove(at: Int.random(in: 0..<letters.count, using: &random))
        let written = forced ?? (Int.random(in: 0..<100, using: &random) < 80)
        if written {
            if letter.reason.isSnapshotReason {
                snapshotDropped.insert(id(letter.record))
            } else {
                deadLettered.insert(id(letter.record))
            }
        }
        apply(.deadLetterAnswered(id: letter.id, written: written))
    }

    /// Time passes; the timer fires if its moment came.
    mutating func advance(upTo limit: Duration) {
        let step = Duration.milliseconds(
            Int.random(
                in: 0...Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000),
                using: &random))
        clock.advance(by: step)
        if let wakeAt, wakeAt <= clock.now {
            self.wakeAt = nil
            apply(.timeReached)
        }
    }

    /// Jumps to the engine's next wake-up.
    mutating func advanceToWake() {
        guard let wakeAt else { return }
        clock.advance(to: wakeAt)
        self.wakeAt = nil
        apply(.timeReached)
    }

    /// The consumer's commit interval: the engine answers with `.commit` of what is done (the one commit path).
    mutating func periodicCommit() {
        apply(.commitRequested)
    }

    /// A rebalance takes some owned partitions away (the drain then runs while other events go on).
    mutating func startRevoke() {
        guard revoking == nil, !owned.isEmpty else { return }
        let taken = owned.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }).filter { _ in
            Bool.random(using: &random)
        }
        guard !taken.isEmpty else { return }
        owned.subtract(taken)
        paused.subtract(taken)
        revoking = taken
        apply(.partitionsRevoked(taken, remaining: assignment))
    }

    /// The revoke's drain ends: drained, or (at random) its deadline passed first.
    mutating func endRevoke(force: Bool) {
        guard let taken = revoking, force || engine.isDrained(taken) else { return }
        revoking = nil
        apply(.revokeDrainEnded(taken))
    }

    /// Unowned partitions come back (to this member), from the committed offsets.
    mutating func assignFree() {
        guard revoking == nil else { return }
        let free = partitions.filter { !owned.contains($0) }
        guard !free.isEmpty else { return }
        for partition in free { position[partition] = committed[partition] ?? 0 }
        owned.formUnion(free)
        apply(.partitionsAssigned(free, assignment: assignment))
    }

    var assignment: PartitionAssignment {
        PartitionAssignment(
            partitions: owned, partitionCounts: Dictionary(grouping: partitions, by: \.topic).mapValues(\.count))
    }

    /// The process dies: everything not committed is consumed again by the next incarnation, a second later.
    mutating func crash() {
        incarnation += 1
        engine = RelayEngine(
            settings: .init(
                configuration: configuration, deadLetters: deadLetters, seed: random.next(), handoffHold: .zero))
        publishes = []
        creates = []
        refreshes = []
        letters = []
        snapshotRequests = []
        wakeAt = nil
        owned = []
        paused = []
        revoking = nil
        stopped = false
        clock.advance(by: .milliseconds(1100))
        assignFree()
    }

    /// A graceful stop: intake stops, what is queued is published, the final commit, then a restart.
    mutating func stopAndRestart() {
        stopped = true
        apply(.stopRequested)
        settle(maxRounds: 4000)
        periodicCommit()
        crash()
    }

    /// Twilio and the dead-letter topic answer everything with success until the engine is idle.
    mutating func settle(maxRounds: Int) {
        for _ in 0..<maxRounds {
            if revoking != nil { endRevoke(force: true) }
            if !answerWithSuccess(), engine.isIdle { return }
        }
        failures.append("the engine did not settle: idle \(engine.isIdle)")
    }

    /// Answers one pending request with success, or jumps to the next wake-up; false when there was nothing to do.
    mutating func answerWithSuccess() -> Bool {
        if !publishes.isEmpty {
            answerPublish(outcome: .accepted)
        } else if !snapshotRequests.isEmpty {
            answerSnapshot(faithfully: true)
        } else if !creates.isEmpty {
            apply(.streamCreateAnswered(stream: creates.removeFirst(), outcome: .accepted))
        } else if !letters.isEmpty {
            answerDeadLetter(written: true)
        } else if !refreshes.isEmpty {
            answerRefresh()
        } else if wakeAt != nil {
            advanceToWake()
        } else {
            return false
        }
        return true
    }

    /// Consumes and publishes everything left, with every partition owned, and checks that each record of the log
    /// was delivered, dead-lettered or dropped, and that the committed offsets reached the end of the log.
    mutating func finish() {
        if revoking != nil { endRevoke(force: true) }
        assignFree()
        for _ in 0..<20_000 {
            let behind = owned.filter { position[$0]! < log[$0]!.count }
            if behind.isEmpty, publishes.isEmpty, creates.isEmpty, letters.isEmpty, snapshotRequests.isEmpty,
                engine.isIdle
            {
                break
            }
            if let partition = behind.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }).first,
                !paused.contains(partition)
            {
                let start = Int(position[partition]!)
                let end = min(log[partition]!.count, start + 30)
                position[partition] = Int64(end)
                apply(.recordsReceived(Array(log[partition]![start..<end])))
            } else if !answerWithSuccess() {
                failures.append(
                    "stuck: nothing to do, paused \(paused.sorted(by: { $0.partition < $1.partition })), idle \(engine.isIdle)"
                )
                break
            }
        }
        periodicCommit()
        for partition in partitions {
            let end = Int64(log[partition]!.count)
            if end > 0, committed[partition] != end {
                failures.append("\(partition) committed \(committed[partition] ?? -1) of \(end)")
            }
        }
        checkLastValuesWin()
        for records in log.values where publishesStream {
            for record in records
            where !delivered.contains(id(record)) && !deadLettered.contains(id(record)) && dropped[id(record)] == nil {
                failures.append("\(record.topicPartition)@\(record.offset) was never handled")
            }
        }
        // The engine's acknowledged records are exactly records of accepted messages.
        for record in acknowledged where !delivered.contains(record) {
            failures.append("\(record.partition)@\(record.offset) acknowledged, but no accepted message carried it")
        }
        for (stream, times) in sendTimes where maximumInAnySecond(times.sorted()) > rate {
            failures.append(
                "\(stream) sent \(maximumInAnySecond(times.sorted())) messages in one second (rate \(rate))")
        }
    }
}
