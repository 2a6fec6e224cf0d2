import RelayCore

/// The consumer's life as one value, in the style of swift-kafka-client's `KafkaConsumer.StateMachine`: the
/// assignment, what was committed, the stop deadline and the fatal error, each kept once. Events (a poll round, a
/// stop, a fatal error, a rebalance, a commit and its answer) return what to do; the C calls happen outside, on the
/// poll thread, through `RDKafkaConsumerClient`. `KafkaConsumer` holds it under one lock, because `stop()`,
/// `assignment` and `committedOffsets` are asked from other threads. Time is passed in.
struct ConsumerStateMachine: Sendable {
    /// The current assignment (with partition counts for the scale-out shares).
    private(set) var assignment = PartitionAssignment()
    /// The last offset committed per owned partition (the next offset to consume).
    private(set) var committed: [TopicPartition: Int64] = [:]
    /// The deadline every wait after `stop` is cut short by: set once, by the first `stop`.
    private(set) var stopDeadline: ContinuousClock.Instant?
    /// The fatal error that ends the consumer, kept from its first report.
    private(set) var fatalError: KafkaError?
    /// Whether the group has handed this member an assignment yet (possibly empty, as the cooperative protocol
    /// does): until then a member that has joined has no assignor state.
    private(set) var hasBeenAssigned = false
    /// The topics subscribed to (names and `^` patterns): their partition counts are learnt at each assignment,
    /// owned or not, for streams that several topics feed.
    var subscription: [TopicSelector] = []
    private var commitToken = 0
    private var nextCommit: ContinuousClock.Instant
    let commitInterval: Duration
    /// How long stopping may take after `stop`.
    let stopBudget: Duration

    init(commitInterval: Duration, stopBudget: Duration, now: ContinuousClock.Instant) {
        self.commitInterval = commitInterval
        self.stopBudget = stopBudget
        nextCommit = now.advanced(by: commitInterval)
    }

    // MARK: Stop and failure

    /// Stop requested at `now`: returns the stop deadline (the first request's).
    mutating func stop(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        if let stopDeadline { return stopDeadline }
        let deadline = now.advanced(by: stopBudget)
        stopDeadline = deadline
        return deadline
    }

    /// `deadline`, or the stop deadline if that comes first.
    func cappedByStop(_ deadline: ContinuousClock.Instant) -> ContinuousClock.Instant {
        stopDeadline.map { min($0, deadline) } ?? deadline
    }

    /// librdkafka reported a fatal error (it does so twice: to the error callback and as a consumer error
    /// message). Returns whether this is the first report, which alone is logged and handed on.
    mutating func fatal(_ error: KafkaError) -> Bool {
        guard fatalError == nil else { return false }
        fatalError = error
        return true
    }

    /// What the poll loop does next.
    enum Step: Equatable {
        /// Poll a batch.
        case poll
        /// Commit what is done, then poll.
        case commitThenPoll
        /// Leave: the stop was asked for (commit, leave the group, close).
        case leave
        /// End with the fatal error (no commit, no close: librdkafka cannot close a fatally failed group).
        case fail
    }

    /// The next step of the poll loop at `now`.
    mutating func nextStep(now: ContinuousClock.Instant) -> Step {
        if fatalError != nil { return .fail }
        if stopDeadline != nil { return .leave }
        guard now >= nextCommit else { return .poll }
        nextCommit = now.advanced(by: commitInterval)
        return .commitThenPoll
    }

    // MARK: Rebalances

    /// Partitions were assigned; `eager` replaces the assignment, cooperative adds to it. Returns the assignment.
    mutating func assigned(_ partitions: [TopicPartition], eager: Bool) -> PartitionAssignment {
        hasBeenAssigned = true
        if eager { assignment.partitions = [] }
        assignment.partitions.formUnion(partitions)
        return assignment
    }

    /// Adds partition counts learnt from the cluster's metadata (for the scale-out shares); returns the assignment.
    mutating func learnPartitionCounts(_ counts: [String: Int]) -> PartitionAssignment {
        assignment.partitionCounts.merge(counts) { $1 }
        return assignment
    }

    /// Partitions are being revoked: returns the assignment that remains.
    mutating func revoking(_ partitions: Set<TopicPartition>) -> PartitionAssignment {
        assignment.partitions.subtract(partitions)
        return assignment
    }

    /// The revoke is over: what was committed for those partitions is forgotten.
    mutating func revoked(_ partitions: Set<TopicPartition>) {
        for partition in partitions { committed[partition] = nil }
    }

    /// A rebalance failed: nothing is assigned.
    mutating func rebalanceFailed() {
        assignment.partitions = []
    }

    // MARK: Commits

    /// A commit to send: the offsets that changed since the last successful commit, and the token its answer
    /// carries; nil when nothing changed.
    mutating func commit(_ offsets: [TopicPartition: Int64]) -> (token: Int, offsets: [(TopicPartition, Int64)])? {
        let changed = offsets.filter { committed[$0.key] != $0.value }
            .sorted { $0.key.description < $1.key.description }
            .map { ($0.key, $0.value) }
        guard !changed.isEmpty else { return nil }
        commitToken += 1
        return (commitToken, changed)
    }

    /// Whether `token` is the last commit sent (other answers are late answers to commits that timed out).
    func isCurrent(token: Int) -> Bool { token == commitToken }

    /// The broker acknowledged `offsets`: only now are they recorded as committed.
    mutating func committed(_ offsets: [(TopicPartition, Int64)]) {
        for (partition, offset) in offsets { committed[partition] = offset }
    }
}
