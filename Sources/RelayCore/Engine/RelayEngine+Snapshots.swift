/// The snapshot side (decision 0012): a record of a route with a `snapshot` is offered to its entity's Document or
/// Map item, as well as (or instead of) its stream; objects are stepped by the scheduler under their pacers and the
/// publish gate, and a record is done when both its parts are (`PartitionFlow.expectParts`).
extension RelayEngine {
    /// Offers `record`'s value (prepared by its route, whose settings are `route`) to its snapshot entity; a record
    /// whose name or key cannot be formed, or whose `Data` is over 16 KiB, is settled by the route's policies.
    mutating func offerSnapshot(
        _ record: SourceRecord, decoded: JSONValue?, route: StreamSettings, now: Instant,
        into actions: inout [EngineAction]
    ) {
        guard let snapshot = route.snapshot else { return }
        let label = snapshot.label
        let target: (object: String, key: String)
        switch Self.snapshotTarget(of: record, decoded: decoded, snapshot) {
        case .failure(let reason):
            actions.append(.report(.unroutable(route: label, topic: record.topic, reason: reason.reason)))
            let deadLetter = route.unroutable.map { $0 != .drop } ?? true
            let drop = DroppedRecord(
                record: record, reason: .snapshotUnroutable, deadLetter: deadLetter, detail: reason.description)
            return settle([drop], slot: nil, label: label, into: &actions)
        case .success(let success):
            target = success
        }
        let data = record.value == nil ? nil : Self.snapshotData(of: record, format: route.format)
        if let data, data.count > SnapshotSettings.maximumDataBytes {
            let drop = DroppedRecord(
                record: record, reason: .snapshotOversize, deadLetter: snapshot.oversize != .drop,
                detail: "\(data.count) bytes")
            return settle([drop], slot: nil, label: label, into: &actions)
        }
        let object = SnapshotBook.ObjectKey(kind: snapshot.kind, name: target.object)
        let change = SnapshotEntity.Change(record: record, data: data)
        let offered = snapshots.offer(
            change, object: object, key: target.key, settings: snapshot, retryPolicy: route.retryPolicy,
            topic: record.topic, rate: Self.snapshotRate(snapshot, topic: record.topic, assignment: flow.assignment))
        if offered { markConflatedDone(label: label, into: &actions) }
        scheduleSnapshot(object, at: now)
    }

    /// The object's unique name and the item's key ("" for a Document) of `record`, or why they cannot be formed.
    static func snapshotTarget(
        of record: SourceRecord, decoded: JSONValue?, _ snapshot: SnapshotSettings
    ) -> Result<(object: String, key: String), SnapshotNameError> {
        let object: String
        switch snapshot.name.render(record, decoded: decoded) {
        case .failure(let reason): return .failure(SnapshotNameError(reason.rawValue))
        case .success(let name): object = name
        }
        if let problem = TwilioIdentifier.uniqueNameProblem(object) {
            return .failure(SnapshotNameError(DropReason.invalidStreamName.rawValue, detail: problem))
        }
        guard let template = snapshot.key else { return .success((object, "")) }
        switch template.render(record, decoded: decoded) {
        case .failure(let reason): return .failure(SnapshotNameError(reason.rawValue))
        case .success(let key): return .success((object, key))
        }
    }

    /// The snapshot's `Data`: the record's entry in the message format with the route's optional members, and `v`,
    /// `tp`, `p`, `o` (and `t` when the record has a timestamp) always, so that Twilio's copy carries its version.
    static func snapshotData(of record: SourceRecord, format: StreamSettings.Format) -> [UInt8] {
        let encoder = RecordEncoder(
            options: MessageFormatOptions(
                includeKey: format.key, includeTopic: true, includePartition: true, includeOffset: true,
                includeTimestamp: true, includeHeaders: format.headers, includeId: format.id))
        var data = Array(#"{"v":1,"#.utf8)
        let entry = encoder.encode(record)
        data.append(contentsOf: entry.dropFirst())
        return data
    }

    /// This member's share of an object's `rate` (decision 0012, item 9): the whole rate for a name fed by one
    /// partition (it uses `{key}` or `{partition}`); otherwise the owned share of its topic's partitions, rounded
    /// down (at least 1), so that the members of a group writing one Map stay within its rate together.
    static func snapshotRate(_ snapshot: SnapshotSettings, topic: String, assignment: PartitionAssignment) -> Int {
        guard !snapshot.name.isFedByOnePartition else { return snapshot.rate }
        let total = max(1, assignment.partitionCounts[topic] ?? 1)
        let owned = assignment.partitions.reduce(0) { $0 + ($1.topic == topic ? 1 : 0) }
        return max(1, snapshot.rate * min(owned, total) / total)
    }

    /// The assignment changed: every object takes its new share.
    mutating func shareSnapshotRates() {
        guard snapshots.count > 0 else { return }
        let assignment = flow.assignment
        snapshots.setRates { Self.snapshotRate($0.settings, topic: $0.topic, assignment: assignment) }
    }

    /// Puts object `key` in the scheduler at `at`, unless it is already there at or before `at`.
    mutating func scheduleSnapshot(_ key: SnapshotBook.ObjectKey, at: Instant) {
        guard snapshots.noteScheduled(key, at: at) else { return }
        scheduler.schedule(.snapshot(key), at: at)
        if scheduler.count > max(1024, 4 * (streams.capacity + snapshots.count)) { compactScheduler() }
    }

    /// What object `key` does at `now`: every request its pacer and the gate allow, the changes that end without a
    /// request, then its next look (or its release once it is idle).
    mutating func stepSnapshot(_ key: SnapshotBook.ObjectKey, now: Instant, into actions: inout [EngineAction]) {
        while true {
            switch snapshots.next(key, now: now, canSend: gate.hasRoom) {
            case .send(let request):
                gate.sent(now: now)
                actions.append(.writeSnapshot(request))
            case .finished(let finished):
                snapshotFinished(finished, label: snapshots.objects[key]?.settings.label ?? key.name, into: &actions)
            case .blockedByGate:
                if snapshots.waitForGate(key) { gate.wait(.object(key)) }
                return
            case .wait(let at?):
                return scheduleSnapshot(key, at: max(at, now + .nanoseconds(1)))
            case .wait(nil):
                guard let releaseAt = snapshots.releasableAt(key) else { return }
                if releaseAt > now { return scheduleSnapshot(key, at: releaseAt) }
                _ = snapshots.releaseIfIdle(key, now: now)
                return
            }
        }
    }

    /// Twilio answered snapshot request `id`: the entity's next step, a retry after the route's backoff (a 429 also
    /// stops its object for `Retry-After`), or the end of its change.
    mutating func snapshotAnswered(
        id: UInt64, answer: SnapshotAnswer, now: Instant, into actions: inout [EngineAction]
    ) {
        defer { admitGateWaiters(now: now, into: &actions) }
        guard let request = snapshots.request(id) else {
            gate.abandoned()
            return
        }
        let label = request.settings.label
        var classified: SnapshotEntity.Answer = .failed
        var decision = RetryDecision.done
        var retry: SnapshotBook.Retry?
        switch answer {
        case .stored(let revision): classified = .stored(revision: revision)
        case .deleted: classified = .deleted
        case .current(let revision, let version): classified = .current(revision: revision, version: version)
        case .missing: classified = .missing
        case .exists: classified = .exists
        case .changed: classified = .changed
        case .mapMissing: actions.append(.report(.snapshotRetried(label: label, reason: "map-missing")))
        case .failed(let outcome):
            let planner = RetryPlanner(policy: request.retryPolicy)
            decision = planner.decide(
                outcome: outcome, history: AttemptHistory(attempts: request.failures + 1), now: now, using: &random)
            switch decision {
            case .retry(let at, let reason):
                retry = SnapshotBook.Retry(at: at)
                var reasonText = reason.rawValue
                if case .rateLimited(let scope, let retryAfter) = outcome, scope != .account {
                    // 54009 on a Document or Map: the object's rate, the whole object waits.
                    retry?.objectRateLimited = true
                    retry?.retryAfter = retryAfter.map { min($0, request.retryPolicy.maxRetryAfter) }
                    reasonText = "object-rate-limited"
                }
                actions.append(.report(.snapshotRetried(label: label, reason: reasonText)))
            case .holdUnhealthy(let at):
                retry = SnapshotBook.Retry(at: at)
                actions.append(.report(.snapshotRetried(label: label, reason: "unauthorized")))
            case .recreateStreamThenRetry:
                retry = SnapshotBook.Retry(at: now + planner.backoff(attempt: request.failures + 1, using: &random))
                actions.append(.report(.snapshotRetried(label: label, reason: "not-found")))
            case .deadLetter, .drop:
                classified = .refused
                actions.append(.report(.snapshotRefused(label: label, outcome: outcome)))
            case .done:
                break
            }
        }
        gateAnswered(decision, now: now, into: &actions)
        let outcome = snapshots.answered(id, classified, mapMissing: answer == .mapMissing, retry: retry, now: now)
        markConflatedDone(label: label, into: &actions)
        switch outcome {
        case .unknown:
            return
        case .finished(let finished, let object):
            var deadLetter = settings.deadLetters
            if case .drop = decision { deadLetter = false }
            snapshotFinished(finished, label: label, deadLetter: deadLetter, into: &actions)
            scheduleSnapshot(object, at: now)
        case .continuing(let object):
            scheduleSnapshot(object, at: now)
        }
    }

    /// Marks done the records conflation left behind (a newer value of their entity is kept instead).
    private mutating func markConflatedDone(label: String, into actions: inout [EngineAction]) {
        for position in snapshots.takeConflated() {
            flow.markDone(position)
            actions.append(.report(.snapshotConflated(label: label)))
        }
    }

    /// A change is over: its record is done (a refused one's is dead-lettered or dropped).
    private mutating func snapshotFinished(
        _ finished: SnapshotEntity.Finished, label: String, deadLetter: Bool = true,
        into actions: inout [EngineAction]
    ) {
        let change = finished.change
        actions.append(
            .report(
                .snapshotFinished(
                    label: label, result: finished.result, records: change.positions.count,
                    timestamp: change.record.timestamp)))
        guard finished.result == .refused else {
            for position in change.positions { flow.markDone(position) }
            return
        }
        guard !change.recordWithdrawn else { return }
        let drop = DroppedRecord(record: change.record, reason: .snapshotRejected, deadLetter: deadLetter)
        settle([drop], slot: nil, label: label, into: &actions)
    }
}

/// Why a record's snapshot name or key cannot be formed: an `UnroutableReason`, or `invalid-stream-name` with the
/// problem.
struct SnapshotNameError: Error, Sendable, CustomStringConvertible {
    var reason: String
    var detail: String?

    init(_ reason: String, detail: String? = nil) {
        self.reason = reason
        self.detail = detail
    }

    var description: String { detail.map { "\(reason): \($0)" } ?? reason }
}
