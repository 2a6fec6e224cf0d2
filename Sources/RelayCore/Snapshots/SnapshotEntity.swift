/// One entity's snapshot, a Sync Document or one item of a Sync Map, as the engine keeps it: what the relay knows of
/// Twilio's copy, the change being written and the newest change waiting behind it (decision 0012).
///
/// - **Conflation.** Only the newest value matters. A change that has not been sent is replaced by a newer one; the
///   older record is done at once (`takeConflated`), since the newer one is done only once its value is written. At most one request per entity is in flight, so two values of one entity
///   never race each other.
/// - **Order.** An older value never overwrites a newer one, across retries and restarts. The relay writes a value
///   only where it knows Twilio's revision and version: it creates an entity it has not seen (409: it exists, read
///   it), and updates with `If-Match` (412: it changed meanwhile, read it again). A value not newer than Twilio's is
///   superseded: done without a write. A deletion (a tombstone) reads first when it knows nothing.
/// - **Retries.** After a failure the change is kept (absorbing a newer one), for the engine to send again when its
///   backoff and the object's pacer allow.
///
/// Pure: no clock, no I/O. The engine asks `nextStep()` when the object's pacer admits a request, performs the
/// request, and tells the answer with `answered(_:)`.
struct SnapshotEntity: Sendable {
    /// What the relay knows of Twilio's copy.
    enum Remote: Sendable, Equatable {
        /// Nothing: not looked at in this run.
        case unknown
        /// It exists, at an unknown revision (a create found it, or a conditional write found it changed).
        case unread
        /// It exists at `revision`, holding the value of `version` (nil: a value the relay did not write).
        case present(revision: String, version: SnapshotVersion?)
        /// It does not exist (never written, expired, or deleted).
        case absent
    }

    /// A value to write, or a deletion (`data` nil), with the record carrying it.
    struct Change: Sendable {
        /// The record whose value this is.
        var record: SourceRecord
        /// The `Data` JSON to write; nil deletes the entity.
        var data: [UInt8]?
        /// Failed attempts so far (for the engine's backoff).
        var failures = 0
        /// Whether `record`'s partition was revoked meanwhile: its value is still written, but marking the record
        /// done is no longer this relay's to do (the next owner consumes it again).
        var recordWithdrawn = false

        /// The position this change completes when it finishes: its record's, unless withdrawn.
        var positions: [RecordPosition] { recordWithdrawn ? [] : [RecordPosition(of: record)] }

        /// The record's place in the entity's order.
        var version: SnapshotVersion { SnapshotVersion(of: record) }

        /// Takes `other` in: the newer of the two values stays. Returns the position of the record left behind (nil
        /// when withdrawn): it is done now, since a newer value of its entity is kept and its own record is done only
        /// once that value is written (decision 0012, *conflation*).
        mutating func absorb(_ other: Change) -> RecordPosition? {
            failures = max(failures, other.failures)
            if other.version == version {
                // The same record consumed again (its partition came back after a revoke): one change, whose record
                // is this relay's to mark done again once written.
                if recordWithdrawn && !other.recordWithdrawn {
                    record = other.record
                    recordWithdrawn = false
                }
                return nil
            }
            guard other.version.isNewer(than: version) else {
                return other.recordWithdrawn ? nil : RecordPosition(of: other.record)
            }
            let left = recordWithdrawn ? nil : RecordPosition(of: record)
            record = other.record
            data = other.data
            recordWithdrawn = other.recordWithdrawn
            return left
        }
    }

    /// One request to Twilio about the entity.
    enum Request: Sendable, Equatable {
        /// Create it with this `Data` (Documents: `UniqueName`; Map items: `Key`).
        case create(data: [UInt8])
        /// Write this `Data` if Twilio's copy is still at `ifMatch`.
        case update(data: [UInt8], ifMatch: String)
        /// Read Twilio's copy (its revision and the version its `Data` carries).
        case read
        /// Delete it if Twilio's copy is still at `ifMatch` (Map items honour it; a Document's delete is
        /// unconditional, so a tombstone can delete a value another writer stored a moment before).
        case delete(ifMatch: String)
    }

    /// Twilio's answer to a `Request`, classified.
    enum Answer: Sendable, Equatable {
        /// Created or updated: the entity is now at `revision`.
        case stored(revision: String)
        /// Deleted (or already gone).
        case deleted
        /// Read: the entity is at `revision`, holding `version` (nil: its `Data` carries none).
        case current(revision: String, version: SnapshotVersion?)
        /// It does not exist (404 on a read or an update).
        case missing
        /// A create found it existing (409).
        case exists
        /// A conditional request found it changed (412).
        case changed
        /// To be tried again later (429, 5xx, a timeout, 401): the engine decides when.
        case failed
        /// Refused for good (400): the change is given up.
        case refused
    }

    /// What became of a change.
    typealias Result = SnapshotResult

    /// A change that is over, and how.
    struct Finished: Sendable {
        var change: Change
        var result: Result
    }

    /// What to do next.
    enum Step: Sendable {
        /// Send this request (it is in flight until `answered`).
        case send(Request)
        /// This change is over without a request; ask again.
        case finished(Finished)
        /// Nothing to send (nothing waits, or a request is in flight).
        case idle
    }

    private(set) var remote: Remote
    /// The change the next (or the in-flight) request is about.
    private(set) var current: Change?
    /// A newer change waiting while `current` is in flight.
    private(set) var next: Change?
    /// The request in flight.
    private(set) var inFlight: Request?

    /// An entity about which the relay knows `remote`.
    init(remote: Remote = .unknown) { self.remote = remote }

    /// Whether nothing waits and nothing is in flight.
    var isIdle: Bool { current == nil && next == nil && inFlight == nil }

    /// Records waiting or in flight.
    var outstandingRecords: Int { (current == nil ? 0 : 1) + (next == nil ? 0 : 1) }

    /// Records left behind by conflation since `takeConflated` was last asked: they are done.
    private(set) var conflated: [RecordPosition] = []

    /// The records left behind by conflation, now done; forgets them.
    mutating func takeConflated() -> [RecordPosition] {
        defer { conflated = [] }
        return conflated
    }

    /// Takes a new change: it replaces (conflates) a change not yet sent, or waits behind the one in flight.
    /// Returns whether an older change was conflated into another.
    @discardableResult
    mutating func offer(_ change: Change) -> Bool {
        if inFlight == nil, current != nil {
            if let left = current?.absorb(change) { conflated.append(left) }
            return true
        }
        if inFlight == nil {
            current = change
            return false
        }
        guard next != nil else {
            next = change
            return false
        }
        if let left = next?.absorb(change) { conflated.append(left) }
        return true
    }

    /// The next request for the current change, or its end when Twilio's copy makes a request needless.
    mutating func nextStep() -> Step {
        guard inFlight == nil, let change = current else { return .idle }
        let request: Request
        switch (remote, change.data) {
        case (.present(_, let version?), _) where !change.version.isNewer(than: version):
            return .finished(finish(change, .superseded))
        case (.unknown, let data?), (.absent, let data?):
            request = .create(data: data)
        case (.present(let revision, _), let data?):
            request = .update(data: data, ifMatch: revision)
        case (.present(let revision, _), nil):
            request = .delete(ifMatch: revision)
        case (.absent, nil):
            return .finished(finish(change, .deleted))
        case (.unread, _), (.unknown, nil):
            request = .read
        }
        inFlight = request
        return .send(request)
    }

    /// Twilio answered the request in flight. Returns the change when it is over; otherwise the entity has a next
    /// step (`nextStep`), or after `.failed` waits for the engine to try again.
    mutating func answered(_ answer: Answer) -> Finished? {
        guard let request = inFlight, let change = current else { return nil }
        inFlight = nil
        switch (request, answer) {
        case (.create, .stored(let revision)), (.update, .stored(let revision)):
            remote = .present(revision: revision, version: change.version)
            return finish(change, .written)
        case (.delete, .deleted), (.delete, .missing):
            remote = .absent
            return finish(change, .deleted)
        case (.read, .current(let revision, let version)):
            remote = .present(revision: revision, version: version)
        case (.read, .missing), (.update, .missing):
            remote = .absent
        case (.create, .exists), (.update, .changed), (.delete, .changed):
            remote = .unread
        case (_, .refused):
            return finish(change, .refused)
        default:
            current?.failures += 1
        }
        absorbNext()
        return nil
    }

    /// Withdraws the records of `partitions` (revoked): their changes are still written, but not marked done here.
    mutating func withdraw(_ partitions: Set<TopicPartition>) {
        current?.withdraw(partitions)
        next?.withdraw(partitions)
    }

    /// Whether a request is in flight for a change with a record of `partitions`.
    func isWriting(_ partitions: Set<TopicPartition>) -> Bool {
        guard inFlight != nil, let current else { return false }
        return current.positions.contains { partitions.contains($0.partition) }
    }

    /// Ends the current change (`change`) with `result`; the waiting change becomes current.
    private mutating func finish(_ change: Change, _ result: Result) -> Finished {
        current = next
        next = nil
        return Finished(change: change, result: result)
    }

    /// Before another request for the current change, the newest waiting value joins it.
    private mutating func absorbNext() {
        guard let waiting = next else { return }
        if let left = current?.absorb(waiting) { conflated.append(left) }
        next = nil
    }
}

extension SnapshotEntity.Change {
    /// Its record is no longer this relay's to mark done when its partition is among `partitions` (revoked).
    mutating func withdraw(_ partitions: Set<TopicPartition>) {
        if partitions.contains(record.topicPartition) { recordWithdrawn = true }
    }
}

/// What became of a snapshot change.
public enum SnapshotResult: String, Sendable, Hashable, CaseIterable {
    /// Written: Twilio holds its value.
    case written
    /// Deleted (or found gone).
    case deleted
    /// Twilio already held this value or a newer one: nothing was written.
    case superseded
    /// Twilio refused it for good, or its retries gave up.
    case refused
}

/// A record's place in Kafka: what marks it done.
public struct RecordPosition: Sendable, Hashable {
    /// Its partition.
    public var partition: TopicPartition
    /// Its offset.
    public var offset: Int64

    /// The position of `record`.
    public init(of record: SourceRecord) {
        partition = record.topicPartition
        offset = record.offset
    }
}
