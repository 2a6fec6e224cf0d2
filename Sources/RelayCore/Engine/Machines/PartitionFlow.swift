import DequeModule

/// The partitions' side of the engine: the offset tracker, which streams each partition feeds, records held back
/// by back-pressure (in offset order), which partitions should be paused and which the driver was told to pause,
/// and revokes until their drain ends. Streams are named by their slot.
///
/// A record of a partition that holds records waits behind them, so a partition's records reach their streams in
/// offset order; a partition with held records is paused until they all went in and its lanes and outstanding
/// count are at most half their bounds (`RelayEngine.resumeDrainedPartitions`).
struct PartitionFlow: Sendable {
    /// A record held back; `received` says whether the tracker already counts it.
    struct HeldRecord: Sendable {
        var record: SourceRecord
        var received: Bool
    }

    /// What to do with a record just consumed.
    enum Intake: Sendable, Equatable {
        /// Offer it to its stream.
        case offer
        /// Held behind the partition's earlier records, or because intake stopped (`counted`: the tracker counts
        /// it, so it was consumed; false: the partition has too many outstanding, it is tracked when offered).
        case held(counted: Bool)
        /// Not for this member (unassigned), or seen already.
        case ignored
    }

    private(set) var tracker: OffsetTracker
    private var held: [TopicPartition: Deque<HeldRecord>] = [:]
    /// Partitions that should be paused (back-pressure or stop).
    private(set) var paused: Set<TopicPartition> = []
    /// Partitions the driver was told to pause.
    private(set) var pausedReported: Set<TopicPartition> = []
    private var feeding: [TopicPartition: Set<Int>] = [:]
    /// The streams of partitions being revoked, until their drain ends.
    private var draining: [TopicPartition: Set<Int>] = [:]
    private(set) var assignment = PartitionAssignment()
    /// Intake stopped: every assigned partition is paused and whatever still arrives is held.
    private(set) var stopping = false
    /// Some record became done (or room was made) while partitions are paused: see whether they may resume.
    private(set) var resumeCheckNeeded = false
    /// Records with more than one part still to finish (a route with a snapshot and a stream): each part's end
    /// counts down, and the record is done at the last (decision 0012).
    private var parts: [RecordPosition: Int] = [:]

    /// A flow pausing a partition at `maxOutstandingPerPartition` records not done.
    init(maxOutstandingPerPartition: Int) {
        tracker = OffsetTracker(maxOutstandingPerPartition: maxOutstandingPerPartition)
    }

    // MARK: Records

    /// Takes a consumed record: tracks it, or holds it (pausing its partition) when it must wait.
    mutating func receive(_ record: SourceRecord) -> Intake {
        let partition = record.topicPartition
        switch tracker.receive(partition, offset: record.offset, timestamp: record.timestamp) {
        case .unassigned, .duplicate:
            return .ignored
        case .full:
            hold(HeldRecord(record: record, received: false))
            return .held(counted: false)
        case .tracked:
            guard stopping || held[partition] != nil else { return .offer }
            hold(HeldRecord(record: record, received: true))
            return .held(counted: true)
        }
    }

    /// Holds `record` (tracked) after its stream refused it, pausing its partition.
    mutating func holdRefused(_ record: SourceRecord) { hold(HeldRecord(record: record, received: true)) }

    private mutating func hold(_ record: HeldRecord) {
        held[record.record.topicPartition, default: []].append(record)
        paused.insert(record.record.topicPartition)
    }

    /// Stream `slot` takes records of `partition`.
    mutating func feeds(_ partition: TopicPartition, slot: Int) { feeding[partition, default: []].insert(slot) }

    /// The streams `partition` feeds.
    func slots(fedBy partition: TopicPartition) -> Set<Int> { feeding[partition] ?? [] }

    /// Pauses `partitions` (a lane is full).
    mutating func pause(_ partitions: Set<TopicPartition>) { paused.formUnion(partitions) }

    /// Marks `record` done (ignored when its partition was revoked meanwhile).
    mutating func markDone(_ record: SourceRecord) {
        markDone(RecordPosition(of: record))
    }

    /// The record at `position` is done, or one of its parts is (`expectParts`).
    mutating func markDone(_ position: RecordPosition) {
        if !parts.isEmpty, let remaining = parts[position] {
            guard remaining <= 1 else {
                parts[position] = remaining - 1
                return
            }
            parts[position] = nil
        }
        tracker.markDone(position.partition, offset: position.offset)
        noteRoom()
    }

    /// `record` is done only once `count` parts of it are (`markDone` once per part).
    mutating func expectParts(_ record: SourceRecord, count: Int) {
        guard count > 1 else { return }
        parts[RecordPosition(of: record)] = count
    }

    /// `record` was not taken after all (its stream refused it): it expects no parts.
    mutating func cancelParts(_ record: SourceRecord) { parts[RecordPosition(of: record)] = nil }

    /// Room was made somewhere (a record done, a stream released, a schema answered): paused partitions may resume.
    mutating func noteRoom() {
        if !paused.isEmpty { resumeCheckNeeded = true }
    }

    /// Whether any partition holds records back.
    var holdsRecords: Bool { !held.isEmpty }

    // MARK: Resuming

    /// Takes the pending resume check: the paused partitions to look at, in order (none while stopping).
    mutating func takeResumeCheck() -> [TopicPartition]? {
        guard resumeCheckNeeded else { return nil }
        resumeCheckNeeded = false
        guard !stopping, !paused.isEmpty else { return [] }
        return paused.sorted(by: RelayEngine.inOrder)
    }

    /// Takes the records `partition` holds (give back what is left with `putBack`).
    mutating func takeHeld(_ partition: TopicPartition) -> Deque<HeldRecord> {
        held.removeValue(forKey: partition) ?? []
    }

    /// The first record of `queue` ready to be offered: tracked now if it was not (records of a partition no longer
    /// assigned, or seen already, are dropped from the queue); nil when the queue is empty or the partition still
    /// has too many outstanding.
    mutating func firstReady(of queue: inout Deque<HeldRecord>) -> SourceRecord? {
        while let first = queue.first {
            if first.received { return first.record }
            switch tracker.receive(
                first.record.topicPartition, offset: first.record.offset, timestamp: first.record.timestamp)
            {
            case .full:
                return nil
            case .unassigned, .duplicate:
                queue.removeFirst()
            case .tracked:
                queue[queue.startIndex].received = true
                return first.record
            }
        }
        return nil
    }

    /// Gives back the records `partition` still holds.
    mutating func putBack(_ queue: Deque<HeldRecord>, of partition: TopicPartition) {
        if !queue.isEmpty { held[partition] = queue }
    }

    /// Resumes `partitions`.
    mutating func resume(_ partitions: [TopicPartition]) { paused.subtract(partitions) }

    /// What the driver must be told: partitions to pause and to resume since it was last told (empty: nothing).
    mutating func pauseChanges() -> (pause: [TopicPartition], resume: [TopicPartition]) {
        guard paused != pausedReported else { return ([], []) }
        let pause = paused.subtracting(pausedReported).sorted(by: RelayEngine.inOrder)
        let resume = pausedReported.subtracting(paused).sorted(by: RelayEngine.inOrder)
        pausedReported = paused
        return (pause, resume)
    }

    // MARK: Membership

    /// Intake stops: every assigned partition is paused.
    mutating func stop() {
        stopping = true
        paused.formUnion(assignment.partitions)
    }

    /// `partitions` were assigned; `assignment` is the whole assignment now.
    mutating func assign(_ partitions: [TopicPartition], assignment: PartitionAssignment) {
        for partition in partitions { tracker.assign(partition) }
        self.assignment = assignment
    }

    /// `partition` is being revoked: it feeds no stream any more and its held records are discarded; the streams it
    /// fed are returned, and kept as draining until `endRevoke`.
    mutating func revoke(_ partition: TopicPartition) -> Set<Int> {
        let fed = feeding.removeValue(forKey: partition) ?? []
        draining[partition, default: []].formUnion(fed)
        held[partition] = nil
        paused.remove(partition)
        pausedReported.remove(partition)
        return fed
    }

    /// The assignment after a revoke.
    mutating func setAssignment(_ remaining: PartitionAssignment) {
        assignment = remaining
        noteRoom()  // discarding made room in streams the remaining partitions feed too
    }

    /// The drain of `partition` ended: forgets it, returning its final commit offset and the streams it drained.
    mutating func endRevoke(_ partition: TopicPartition) -> (offset: Int64?, drained: Set<Int>) {
        if !parts.isEmpty { parts = parts.filter { $0.key.partition != partition } }
        return (tracker.revoke(partition), draining.removeValue(forKey: partition) ?? [])
    }

    /// Whether the streams of `partitions` (being revoked) are drained, as `isDrained` says of each.
    func isDrained(_ partitions: [TopicPartition], _ isDrained: (Int) -> Bool) -> Bool {
        partitions.allSatisfy { (draining[$0] ?? []).allSatisfy(isDrained) }
    }

    /// Stream `slot` (fed by `partitions`) was released.
    mutating func forget(_ slot: Int, fedBy partitions: Set<TopicPartition>) {
        for partition in partitions { feeding[partition]?.remove(slot) }
        if !draining.isEmpty {
            for partition in Array(draining.keys) { draining[partition]?.remove(slot) }
        }
        noteRoom()
    }
}
