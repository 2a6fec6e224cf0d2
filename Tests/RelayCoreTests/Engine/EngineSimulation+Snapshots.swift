import RelayCore
import RelayTestSupport

/// The simulation's Twilio Documents and Maps (decision 0012): a store that answers as Twilio does, at random with
/// failures (some after the write was applied), and the checks: no object over its rate in any window; nothing
/// committed before its snapshot holds it or a newer value; in the end, after crashes, every entity holds the value
/// of its last record (or is gone after a tombstone).
extension EngineSimulation {
    /// Whether the route publishes to a stream (false: a snapshot-only route).
    var publishesStream: Bool { configuration.defaults.snapshot?.stream ?? true }

    /// The entity `record`'s snapshot is about, or nil (no snapshot, or its name cannot be formed).
    func snapshotTarget(of record: SourceRecord) -> SnapshotTarget? {
        guard let snapshot = configuration.defaults.snapshot,
            case .success(let object) = snapshot.name.render(record)
        else { return nil }
        guard let template = snapshot.key else { return SnapshotTarget(kind: .document, object: object) }
        guard case .success(let key) = template.render(record) else { return nil }
        return SnapshotTarget(kind: .map, object: object, key: key)
    }

    /// A snapshot request was sent: no object may take more than its rate in any window (or one write alone).
    mutating func checkSnapshotSend(_ request: SnapshotRequest) {
        guard let snapshot = configuration.defaults.snapshot else {
            return failures.append("a snapshot request without a snapshot route: \(request)")
        }
        let bytes =
            switch request.operation {
            case .create(let data), .update(let data, _): data.count
            default: 0
            }
        let object = "\(request.target.kind) \(request.target.object)"
        snapshotSent += 1
        var sends = snapshotSends[object, default: []]
        sends.append((clock.now, ObjectPacer.cost(dataBytes: bytes)))
        sends.removeAll { clock.now - $0.at >= ObjectPacer.defaultWindow }
        snapshotSends[object] = sends
        let cost = sends.reduce(0) { $0 + $1.cost }
        if sends.count > 1, cost > snapshot.rate * ObjectPacer.unitBytes {
            failures.append("\(object) took \(cost) bytes of budget in one window (rate \(snapshot.rate) KiB)")
        }
    }

    /// Twilio answers one snapshot request: faithfully, or (at random) with a failure, some after applying it.
    mutating func answerSnapshot(faithfully: Bool = false) {
        guard !snapshotRequests.isEmpty else { return }
        let request = snapshotRequests.remove(at: Int.random(in: 0..<snapshotRequests.count, using: &random))
        let roll = faithfully ? 0 : Int.random(in: 0..<100, using: &random)
        let answer: SnapshotAnswer
        switch roll {
        case 0..<75: answer = store.perform(request)
        case 75..<82:
            answer = .failed(.rateLimited(scope: .stream, retryAfter: Bool.random(using: &random) ? .seconds(1) : nil))
        case 82..<87: answer = .failed(.serverError(status: 503, twilioCode: nil))
        case 87..<93:
            _ = store.perform(request)  // applied, but the answer was lost
            answer = .failed(.timeout)
        case 93..<96: answer = .failed(.rateLimited(scope: .account, retryAfter: nil))
        case 96..<98: answer = .failed(.invalid(status: 400, twilioCode: 54008))
        default: answer = .failed(.transportError(reason: "reset"))
        }
        apply(.snapshotAnswered(id: request.id, answer: answer))
    }

    /// Why committing `record` (the commit reaching `committed`) would break the promise, or nil: its snapshot must
    /// hold its value or a newer one, or be gone with a tombstone at or after it; or a policy dropped it (or the
    /// dead-letter topic has it); or a newer value of its entity is still to come (its record is not committed: it
    /// is written, or consumed again after a crash) or was given up by a policy.
    func snapshotProblem(committing record: SourceRecord, upTo committed: Int64) -> String? {
        guard let target = snapshotTarget(of: record), !snapshotDropped.contains(id(record)) else { return nil }
        let stored = store.version(of: target)
        if let stored, !SnapshotVersion(of: record).isNewer(than: stored) { return nil }
        // Offsets are positions in the simulated log.
        let later = log[record.topicPartition]![Int(record.offset)...].filter { snapshotTarget(of: $0) == target }
        if later.contains(where: { $0.offset > record.offset && snapshotGivenUp.contains(id($0)) }) { return nil }
        // Conflated into a newer value not committed yet: that one is written, or consumed again after a crash.
        if later.contains(where: { $0.offset >= committed }) { return nil }
        guard let stored else {
            return later.contains { $0.value == nil } ? nil : "its snapshot \(target) does not exist"
        }
        return "its snapshot \(target) holds the older \(stored)"
    }

    /// Every entity holds the value of its last record, or is gone after a tombstone (its records come from one
    /// partition, in offset order); an entity whose last record a policy dropped is not looked at.
    mutating func checkLastValuesWin() {
        var last: [SnapshotTarget: SourceRecord] = [:]
        for partition in partitions {
            for record in log[partition]! {
                guard let target = snapshotTarget(of: record) else { continue }
                if let known = last[target], !SnapshotVersion(of: record).isNewer(than: SnapshotVersion(of: known)) {
                    continue
                }
                last[target] = record
            }
        }
        for (target, record) in last where !snapshotGivenUp.contains(id(record)) {
            let stored = store.version(of: target)
            if record.value == nil {
                if stored != nil { failures.append("\(target) exists after its last record, a tombstone") }
            } else if stored != SnapshotVersion(of: record) {
                failures.append("\(target) holds \(stored.map(\.description) ?? "nothing"), not its last \(record)")
            }
        }
    }
}

extension DropReason {
    /// Whether a snapshot dropped (or dead-lettered) the record for this reason.
    var isSnapshotReason: Bool { self == .snapshotOversize || self == .snapshotRejected || self == .snapshotUnroutable }
}

/// Twilio's Documents and Maps as the simulation keeps them: revisions, `If-Match`, 409, 412, 404.
struct SnapshotStore {
    var maps: Set<String> = []
    var entries: [SnapshotTarget: (revision: Int, data: [UInt8])] = [:]
    var nextRevision = 1

    /// The version the entity's `Data` carries, if it exists.
    func version(of target: SnapshotTarget) -> SnapshotVersion? {
        guard let entry = entries[target], let value = try? JSONParser.parse(entry.data) else { return nil }
        return SnapshotVersion(data: value)
    }

    /// Performs `request` and answers as Twilio would.
    mutating func perform(_ request: SnapshotRequest) -> SnapshotAnswer {
        let target = request.target
        if case .createMap = request.operation {
            return maps.insert(target.object).inserted ? .stored(revision: "map") : .exists
        }
        if target.kind == .map, !maps.contains(target.object) {
            return request.operation.isDelete ? .deleted : .mapMissing
        }
        let current = entries[target]
        switch request.operation {
        case .createMap:
            return .exists
        case .create(let data):
            guard current == nil else { return .exists }
            return store(data, at: target)
        case .update(let data, let ifMatch):
            guard let current else { return .missing }
            guard "r\(current.revision)" == ifMatch else { return .changed }
            return store(data, at: target)
        case .read:
            guard let current else { return .missing }
            return .current(revision: "r\(current.revision)", version: version(of: target))
        case .delete(let ifMatch):
            guard let current else { return .deleted }
            if target.kind == .map, "r\(current.revision)" != ifMatch { return .changed }
            entries[target] = nil
            return .deleted
        }
    }

    private mutating func store(_ data: [UInt8], at target: SnapshotTarget) -> SnapshotAnswer {
        entries[target] = (nextRevision, data)
        nextRevision += 1
        return .stored(revision: "r\(nextRevision - 1)")
    }
}

extension SnapshotOperation {
    var isDelete: Bool { if case .delete = self { true } else { false } }
}
