/// The scheduler's side: stepping due streams (create first, then pack, pace and send under the publish gate).
extension RelayEngine {
    /// Runs every stream and dead-letter retry due at `now`.
    mutating func runDue(now: Instant, into actions: inout [EngineAction]) {
        while let entry = scheduler.popDue(now: now) {
            switch entry.target {
            case .stream(let slot):
                guard streams.isScheduled(slot, at: entry.at) else { continue }  // stale: moved or gone
                streams[slot].scheduledAt = nil
                step(slot, now: now, into: &actions)
            case .deadLetter(let id):
                if let letter = deadLetters.letter(id) { actions.append(.deadLetter(letter)) }
            case .creates:
                if gate.createsDue(at: entry.at) { admitCreateWaiters(now: now, into: &actions) }
            case .resumeCheck:
                flow.noteRoom()
            case .handoff:
                applyBudgets(now: now, into: &actions)
            case .schemaFetch(let id):
                if schemas.isAwaited(id) { actions.append(.fetchSchema(id: id)) }
            case .probe:
                actions.append(.probeTwilio)
            case .snapshot(let key):
                guard snapshots.isScheduled(key, at: entry.at) else { continue }  // stale: moved or gone
                _ = snapshots.noteScheduled(key, at: nil)
                stepSnapshot(key, now: now, into: &actions)
            }
        }
    }

    /// Schedules stream `slot` for when it next has something to do at or after `now`, if that is earlier than
    /// its current entry. A keyed stream that is idle is scheduled for when it may be released (`idleAfter`).
    mutating func reschedule(_ slot: Int, now: Instant) {
        var wake: Instant?
        switch streams[slot].phase {
        case .unknown: wake = now
        case .creating, .queuedForCreate: wake = nil
        case .createBackoff(let retryAt, _): wake = retryAt
        case .exists:
            wake =
                streams[slot].waitingForAccount
                ? nil : streams[slot].lane.nextWakeNotingPacerHold(now: now, roundTripFloor: roundTripFloor.nanoseconds)
        }
        if let releaseAt = streams.noteIdleness(slot, now: now), streams[slot].phase != .unknown {
            wake = min(wake ?? releaseAt, releaseAt)
        }
        guard let wake else { return }
        schedule(slot, at: max(wake, now))
    }

    /// Puts stream `slot` in the scheduler at `at`, unless it is already there at or before `at`.
    mutating func schedule(_ slot: Int, at: Instant) {
        if let current = streams[slot].scheduledAt, current <= at { return }
        streams[slot].scheduledAt = at
        scheduler.schedule(.stream(slot), at: at)
        if scheduler.count > max(1024, 4 * (streams.capacity + snapshots.count)) { compactScheduler() }
    }

    /// Drops the scheduler's stale entries (streams moved earlier or gone, withdrawn letters, old create looks).
    mutating func compactScheduler() {
        let streams = self.streams
        let deadLetters = self.deadLetters
        let createsAt = gate.createsScheduledAt
        let snapshots = self.snapshots
        scheduler.compact { entry in
            switch entry.target {
            case .stream(let slot): streams.isScheduled(slot, at: entry.at)
            case .deadLetter(let id): deadLetters.contains(id)
            case .creates: createsAt == entry.at
            case .snapshot(let key): snapshots.isScheduled(key, at: entry.at)
            case .resumeCheck, .handoff, .schemaFetch, .probe: true
            }
        }
    }

    /// What stream `slot` does at `now`: ask for the stream to be created, or send every message its lane, its
    /// pacer and the publish gate allow, then schedule its next look.
    mutating func step(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        if let idleSince = streams[slot].idleSince, streams[slot].isReleasable {
            let releaseAt = idleSince + max(streams[slot].settings.idleAfter, Self.pacerWindow)
            guard now < releaseAt else { return release(slot, into: &actions) }
            schedule(slot, at: releaseAt)
        }
        switch streams[slot].phase {
        case .unknown:
            return create(slot, recreate: false, now: now, into: &actions)
        case .creating, .queuedForCreate:
            return
        case .createBackoff(let retryAt, let recreate):
            if retryAt <= now {
                create(slot, recreate: recreate, now: now, into: &actions)
            } else {
                schedule(slot, at: retryAt)
            }
            return
        case .exists:
            break
        }
        sendAllowed(slot, now: now, into: &actions)
        reportDepth(slot, into: &actions)
        if streams[slot].keyed, let releaseAt = streams.noteIdleness(slot, now: now) {
            schedule(slot, at: max(releaseAt, now + .nanoseconds(1)))
        }
    }

    /// Sends every message of stream `slot` (it exists) that its lane, its pacer and the gate allow at `now`; waits
    /// for the gate, or schedules the pacer's next token.
    private mutating func sendAllowed(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        while true {
            guard gate.hasRoom else {
                if let wake = streams[slot].lane.nextWake(now: now, roundTripFloor: roundTripFloor.nanoseconds) {
                    if wake <= now {
                        waitForGate(slot)
                    } else {
                        schedule(slot, at: wake)
                    }
                }
                return
            }
            let lane = streams[slot].lane.nextStep(now: now, roundTripFloor: roundTripFloor.nanoseconds)
            if !lane.dropped.isEmpty { settle(lane.dropped, slot: slot, into: &actions) }
            if let message = lane.message {
                gate.sent(now: now)
                actions.append(
                    .publish(
                        PublishRequest(
                            stream: streams[slot].name, label: streams[slot].label, sequence: message.sequence,
                            data: message.data, recordCount: message.recordCount,
                            attempt: message.previousAttempts + 1, pacerWait: lane.pacerWait)))
                continue
            }
            if !lane.dropped.isEmpty { continue }  // records expired: look again
            if let wakeAt = lane.wakeAt { schedule(slot, at: max(wakeAt, now + .nanoseconds(1))) }
            return
        }
    }

    private mutating func waitForGate(_ slot: Int) {
        guard !streams[slot].waitingForAccount else { return }
        streams[slot].waitingForAccount = true
        gate.wait(.stream(slot))
    }

    /// Steps the streams and snapshot objects waiting for the gate, first come first served, while there is room.
    mutating func admitGateWaiters(now: Instant, into actions: inout [EngineAction]) {
        while let waiter = gate.nextAdmitted() {
            switch waiter {
            case .stream(let slot):
                streams[slot].waitingForAccount = false
                step(slot, now: now, into: &actions)
            case .object(let key):
                guard snapshots.admitted(key) else { continue }  // released meanwhile
                stepSnapshot(key, now: now, into: &actions)
            }
        }
    }
}
