import RelayCore

/// A consumer group of relays on one manual clock, for the scale-out property test (issue 34): each member is a real
/// `RelayEngine`; a coordinator moves partitions between them in eager, cooperative or next-generation (KIP-848)
/// rebalances, kills members and lets them join again; every publish reaches "Twilio" after its member's one-way
/// latency (with jitter) and is answered after the way back. Twilio's view is kept per stream: the arrival instant
/// of every message, from every member, so `overshoot` can count the sliding seconds holding more than the rate.
///
/// Two topics: `orders` (`{topic}`: one stream that the whole group shares) and `rides` (`ride-{partition}`: a
/// stream per partition, whose owner has the whole budget). Each partition's log is endless; a member is handed
/// records while it has not paused the partition.
struct GroupSimulation {
    enum RebalanceProtocol: CaseIterable { case eager, cooperative, consumer }

    struct Member {
        var engine: RelayEngine
        var alive = true
        var owned: Set<TopicPartition> = []
        /// Partitions being revoked and the drain's deadline.
        var revoking: (partitions: [TopicPartition], deadline: Instant)?
        var paused: Set<TopicPartition> = []
        var position: [TopicPartition: Int64] = [:]
        var wakeAt: Instant?
        /// One-way latency: `base` plus up to `jitter`, in nanoseconds.
        var base: Int64
        var jitter: Int64
    }

    enum Answer { case publish(String, UInt64), create(String), refresh(String) }

    struct Pending { var at: Instant; var member: Int; var incarnation: Int; var answer: Answer }

    let seed: UInt64
    let rate: Int
    let partitionCounts: [String: Int]
    let balanced: Bool
    let configuration: RelayConfiguration
    var random: SeededGenerator
    var now = Instant.seconds(1)
    var members: [Member] = []
    var incarnations: [Int] = []
    var pending: [Pending] = []
    var committed: [TopicPartition: Int64] = [:]
    /// The coordinator's rebalance under way: the target owner of each partition, the protocol, and when the
    /// members that keep theirs learn their new assignment (eager and cooperative: after every revoke ended).
    var target: [TopicPartition: Int]?
    var rebalanceProtocol = RebalanceProtocol.eager
    var nextGroupMove: Instant
    var nextDelivery: Instant
    let end: Instant
    /// The group's moves, to explain a failure.
    var moves: [String] = []
    /// Every message at Twilio: its arrival, its member and when it was sent, per stream.
    var sendLog: [String: [(arrival: Instant, member: Int, sent: Instant)]] = [:]

    /// Arrival instants at Twilio, per stream.
    var arrivals: [String: [Instant]] { sendLog.mapValues { $0.map(\.arrival) } }

    /// The messages of the busiest sliding second of `stream`, to explain a failure.
    func busiestSecond(of stream: String) -> [String] {
        let log = (sendLog[stream] ?? []).sorted { $0.arrival < $1.arrival }
        var best = (start: 0, end: 0)
        var start = 0
        for end in log.indices {
            while log[end].arrival - log[start].arrival > .seconds(1) { start += 1 }
            if end - start > best.end - best.start { best = (start, end) }
        }
        guard !log.isEmpty else { return [] }
        return log[best.start...best.end].map { "m\($0.member) sent \($0.sent) arrived \($0.arrival)" }
    }

    static let drainDeadline = Duration.seconds(2)
    static let sessionTimeout = Duration.seconds(2)

    init(seed: UInt64, rate: Int = 30, balanced: Bool = false, partitions: Int? = nil, memberCount: Int? = nil) {
        self.seed = seed
        self.rate = rate
        self.balanced = balanced
        random = SeededGenerator(seed: seed)
        let orders = partitions ?? Int.random(in: 1...12, using: &random)
        partitionCounts = ["orders": orders, "rides": Int.random(in: 1...4, using: &random)]
        let count = memberCount ?? Int.random(in: 1...6, using: &random)
        end = now + .seconds(12)
        nextGroupMove = now + .milliseconds(Int64.random(in: 1500...3000, using: &random))
        nextDelivery = now
        configuration = engineConfiguration(
            defaults: [
                JSONMember("stream", .string("{topic}")), JSONMember("rate", .number(String(rate))),
                JSONMember("maxRecordsPerMessage", .number("1")),
                JSONMember("overflow", .object([JSONMember("maxRecords", .number("20"))])),
            ],
            deadLetters: false,
            routes: [
                .object([JSONMember("topic", .string("rides")), JSONMember("stream", .string("ride-{partition}"))])
            ]
        )
        for index in 0..<count {
            let engine = RelayEngine(
                settings: .init(configuration: configuration, deadLetters: false, seed: seed &+ UInt64(index)))
            members.append(
                Member(
                    engine: engine, alive: false,
                    base: Int64.random(in: 2_000_000...60_000_000, using: &random),
                    jitter: Int64.random(in: 0...10_000_000, using: &random)))
            incarnations.append(0)
        }
        // Random start phases: the members join over the first two seconds.
        for _ in 0..<count { joinTimes.append(now + .milliseconds(Int64.random(in: 0...2000, using: &random))) }
    }

    var joinTimes: [Instant] = []

    var allPartitions: [TopicPartition] {
        partitionCounts.keys.sorted().flatMap { topic in
            (0..<partitionCounts[topic]!).map { TopicPartition(topic: topic, partition: Int32($0)) }
        }
    }

    // MARK: Running

    /// Runs the whole case; returns the worst sliding second per stream above the rate (empty: none).
    mutating func run() -> [String: Int] {
        while now < end {
            step()
        }
        return overshoot
    }

    /// Streams whose busiest sliding second at Twilio held more than the rate, with that count.
    var overshoot: [String: Int] {
        var over: [String: Int] = [:]
        for (stream, times) in arrivals {
            let most = maximumInAnySecond(times.sorted())
            if most > rate { over[stream] = most }
        }
        return over
    }

    /// Moves the clock to the next thing that happens and does it.
    mutating func step() {
        var next = min(nextGroupMove, nextDelivery, end)
        for at in joinTimes { next = min(next, at) }
        for member in members where member.alive {
            if let at = member.wakeAt { next = min(next, at) }
            if let revoking = member.revoking { next = min(next, revoking.deadline) }
        }
        for item in pending { next = min(next, item.at) }
        now = max(now, next)

        if let index = joinTimes.firstIndex(where: { $0 <= now }) {
            joinTimes.remove(at: index)
            if let newcomer = members.indices.first(where: { !members[$0].alive && incarnations[$0] == 0 }) {
                join(newcomer)
            }
        }
        let due = pending.filter { $0.at <= now }
        pending.removeAll { $0.at <= now }
        for item in due.sorted(by: { $0.at < $1.at }) where members[item.member].alive {
            guard incarnations[item.member] == item.incarnation else { continue }
            switch item.answer {
            case .publish(let stream, let sequence):
                apply(.publishAnswered(stream: stream, sequence: sequence, outcome: .accepted), to: item.member)
            case .create(let stream):
                apply(.streamCreateAnswered(stream: stream, outcome: .accepted), to: item.member)
            case .refresh(let stream):
                apply(.ttlRefreshAnswered(stream: stream, outcome: .accepted), to: item.member)
            }
        }
        for index in members.indices where members[index].alive {
            if let at = members[index].wakeAt, at <= now {
                members[index].wakeAt = nil
                apply(.timeReached, to: index)
            }
        }
        checkDrains()
        if nextDelivery <= now {
            deliver()
            nextDelivery = now + .milliseconds(50)
        }
        if nextGroupMove <= now {
            groupMove()
            nextGroupMove = now + .milliseconds(Int64.random(in: 1000...3000, using: &random))
        }
    }

    mutating func apply(_ event: EngineEvent, to index: Int) {
        let actions = members[index].engine.handle(event, now: now)
        for action in actions {
            switch action {
            case .publish(let request):
                let out = latency(index)
                let arrival = now + .nanoseconds(out)
                sendLog[request.stream, default: []].append((arrival, index, now))
                pending.append(
                    Pending(
                        at: arrival + .nanoseconds(latency(index)), member: index, incarnation: incarnations[index],
                        answer: .publish(request.stream, request.sequence)))
            case .createStream(let name, _, _):
                pending.append(
                    Pending(
                        at: now + .nanoseconds(2 * latency(index)), member: index, incarnation: incarnations[index],
                        answer: .create(name)))
            case .refreshTTL(let name, _):
                pending.append(
                    Pending(
                        at: now + .nanoseconds(2 * latency(index)), member: index, incarnation: incarnations[index],
                        answer: .refresh(name)))
            case .wake(let at):
                members[index].wakeAt = at
            case .pause(let partitions):
                members[index].paused.formUnion(partitions)
            case .resume(let partitions):
                members[index].paused.subtract(partitions)
            case .commit(let offsets):
                for (partition, offset) in offsets { committed[partition] = max(committed[partition] ?? 0, offset) }
            case .deadLetter, .fetchSchema, .probeTwilio, .report, .writeSnapshot:
                break
            }
        }
    }

    mutating func latency(_ index: Int) -> Int64 {
        members[index].base + Int64.random(in: 0...max(0, members[index].jitter), using: &random)
    }

    /// Five records to every owned partition that is not paused, from where the member is.
    mutating func deliver() {
        for index in members.indices where members[index].alive {
            var records: [SourceRecord] = []
            for partition in members[index].owned.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
            where !members[index].paused.contains(partition) {
                let start = members[index].position[partition] ?? committed[partition] ?? 0
                for offset in start..<(start + 5) {
                    records.append(
                        SourceRecord(
                            topic: partition.topic, partition: partition.partition, offset: offset,
                            key: Array("k\(offset % 7)".utf8), value: Array("{\"n\":\(offset)}".utf8)))
                }
                members[index].position[partition] = start + 5
            }
            if !records.isEmpty { apply(.recordsReceived(records), to: index) }
        }
    }

    // MARK: The group

    /// A member's view of the assignment.
    func assignment(_ owned: Set<TopicPartition>) -> PartitionAssignment {
        PartitionAssignment(partitions: owned, partitionCounts: partitionCounts)
    }

    /// The next membership change or rebalance, at random.
    mutating func groupMove() {
        guard target == nil else { return }  // one rebalance at a time
        let alive = members.indices.filter { members[$0].alive }
        let roll = Int.random(in: 0..<10, using: &random)
        if roll < 2, alive.count > 1 {
            crash(alive.randomElement(using: &random)!)
        } else if roll < 4, let dead = members.indices.first(where: { !members[$0].alive }) {
            join(dead)
        } else if !alive.isEmpty {
            startRebalance()
        }
    }

    mutating func join(_ index: Int) {
        guard !members[index].alive else { return }
        if incarnations[index] > 0 {
            members[index].engine = RelayEngine(
                settings: .init(
                    configuration: configuration, deadLetters: false, seed: seed &+ UInt64(100 * incarnations[index])))
        }
        incarnations[index] += 1
        members[index].alive = true
        members[index].owned = []
        members[index].revoking = nil
        members[index].paused = []
        members[index].position = [:]
        members[index].wakeAt = nil
        moves.append("\(now) join \(index)")
        if target == nil { startRebalance() }
    }

    /// SIGKILL: its requests in flight still arrive; its partitions go to others after the session timeout.
    mutating func crash(_ index: Int) {
        members[index].alive = false
        members[index].owned = []
        members[index].revoking = nil
        moves.append("\(now) crash \(index)")
        nextGroupMove = max(nextGroupMove, now + Self.sessionTimeout)
    }

    /// A new owner for every partition (balanced, or at random), by a random protocol; members revoke first.
    mutating func startRebalance() {
        let alive = members.indices.filter { members[$0].alive }
        guard target == nil, !alive.isEmpty else { return }
        rebalanceProtocol = RebalanceProtocol.allCases.randomElement(using: &random)!
        var newTarget: [TopicPartition: Int] = [:]
        let order = alive.shuffled(using: &random)
        for (position, partition) in allPartitions.enumerated() {
            newTarget[partition] = balanced ? order[position % order.count] : alive.randomElement(using: &random)!
        }
        target = newTarget
        moves.append(
            "\(now) rebalance \(rebalanceProtocol) \(newTarget.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }.map { "\($0.key)>\($0.value)" })"
        )
        for index in alive {
            let losing: [TopicPartition]
            switch rebalanceProtocol {
            case .eager:
                losing = members[index].owned.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
            case .cooperative, .consumer:
                losing = members[index].owned.filter { newTarget[$0] != index }.sorted(by: {
                    ($0.topic, $0.partition) < ($1.topic, $1.partition)
                })
            }
            guard !losing.isEmpty else { continue }
            members[index].owned.subtract(losing)
            members[index].paused.subtract(losing)
            for partition in losing { members[index].position[partition] = nil }
            members[index].revoking = (losing, now + Self.drainDeadline)
            moves.append("\(now) m\(index) revokes \(losing)")
            apply(.partitionsRevoked(losing, remaining: assignment(members[index].owned)), to: index)
        }
        checkDrains()
    }

    /// Ends the drains that are over, and hands partitions to their new owners once their previous owners let go:
    /// per partition in KIP-848, after every revoke of the round otherwise.
    mutating func checkDrains() {
        for index in members.indices where members[index].alive {
            guard let revoking = members[index].revoking else { continue }
            if members[index].engine.isDrained(revoking.partitions) || revoking.deadline <= now {
                members[index].revoking = nil
                moves.append("\(now) m\(index) released \(revoking.partitions)")
                apply(.revokeDrainEnded(revoking.partitions), to: index)
            }
        }
        guard let target else { return }
        let releasing = Set(members.filter { $0.alive }.flatMap { $0.revoking?.partitions ?? [] })
        let ownedNow = Set(members.filter { $0.alive }.flatMap(\.owned))
        if rebalanceProtocol != .consumer && !releasing.isEmpty { return }
        for index in members.indices where members[index].alive {
            let gaining = target.filter { $0.value == index }.map(\.key)
                .filter { !members[index].owned.contains($0) && !releasing.contains($0) && !ownedNow.contains($0) }
                .sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
            guard !gaining.isEmpty else { continue }
            for partition in gaining { members[index].position[partition] = committed[partition] ?? 0 }
            members[index].owned.formUnion(gaining)
            moves.append("\(now) m\(index) gains \(gaining)")
            apply(.partitionsAssigned(gaining, assignment: assignment(members[index].owned)), to: index)
        }
        let settled = target.allSatisfy { partition, owner in
            !members[owner].alive || members[owner].owned.contains(partition)
        }
        if settled {
            self.target = nil
            moves.append("\(now) settled")
        }
    }
}
