import RelayCore

/// The consumer's life as one value, in the style of swift-kafka-client's `KafkaConsumer.StateMachine`: the
/// assignment, the offsets handed over to commit and what was committed, the stop deadline and the fatal error, each
/// kept once. Events (a poll round, a stop, a fatal error, a rebalance, offsets handed over, a commit and its answer)
/// return what to do; the C calls happen outside, on the poll thread, through `RDKafkaConsumerClient`.
/// `KafkaConsumer` holds it under one lock, because `stop()`, `commit(_:)`, `assignment` and `committedOffsets` are
/// asked from other threads. Time is passed in.
struct ConsumerStateMachine: Sendable {
    /// The current assignment (with partition counts for the scale-out shares).
    private(set) var assignment = PartitionAssignment()
    /// The last offset committed per owned partition (the next offset to consume).
    private(set) var committed: [TopicPartition: Int64] = [:]
    /// The latest offset handed over to commit per owned partition (`OffsetCommitter`), committed at the next chance.
    private(set) var handedOver: [TopicPartition: Int64] = [:]
    /// Partitions whose revoke is under way: no longer assigned, but their final offsets are still taken.
    private var revoking: Set<TopicPartition> = []
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
        /// Ask for what is done (`ConsumerEvents.commitDue`), commit it, then poll.
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
        revoking.formUnion(partitions)
        return assignment
    }

    /// The revoke is over: what was handed over or committed for those partitions is forgotten (a late hand-over
    /// for them is ignored).
    mutating func revoked(_ partitions: Set<TopicPartition>) {
        revoking.subtract(partitions)
        for partition in partitions {
            committed[partition] = nil
            handedOver[partition] = nil
        }
    }

    /// A rebalance failed: nothing is assigned.
    mutating func rebalanceFailed() {
        assignment.partitions = []
        handedOver = [:]
    }

    // MARK: Commits

    /// Offsets handed over to commit (`OffsetCommitter.commit`): kept, the latest per partition, for partitions this
    /// member owns or is revoking; others (a partition that left meanwhile) are ignored.
    mutating func handOver(_ offsets: [TopicPartition: Int64]) {
        for (partition, offset) in offsets
        where assignment.partitions.contains(partition) || revoking.contains(partition) {
            handedOver[partition] = offset
        }
    }

    /// Whether an offset handed over differs from what was committed.
    var hasUncommitted: Bool { handedOver.contains { committed[$0.key] != $0.value } }

    /// A commit to send: the offsets handed over (of `partitions` only, when given) that changed since the last
    /// successful commit, and the token its answer carries; nil when nothing changed.
    mutating func commit(
        only partitions: Set<TopicPartition>? = nil
    ) -> (token: Int, offsets: [(TopicPartition, Int64)])? {
        let changed = handedOver.filter { committed[$0.key] != $0.value && partitions?.contains($0.key) ?? true }
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
