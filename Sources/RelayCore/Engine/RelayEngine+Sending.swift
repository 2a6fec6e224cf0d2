/// The scheduler's side: stepping due streams (create first, then pack, pace and send under the account cap).
extension RelayEngine {
    /// Runs every stream and dead-letter retry due at `now`.
    mutating func runDue(now: Instant, into actions: inout [EngineAction]) {
        while let entry = scheduler.popDue(now: now) {
            switch entry.target {
            case .stream(let slot):
                guard streams[slot]?.scheduledAt == entry.at else { continue }  // stale: moved earlier since
                streams[slot]!.scheduledAt = nil
                step(slot, now: now, into: &actions)
            case .deadLetter(let id):
                if let pending = deadLetters[id] { actions.append(.deadLetter(pending.letter)) }
            case .creates:
                if createsScheduledAt == entry.at { admitCreateWaiters(now: now, into: &actions) }
            case .resumeCheck:
                if !paused.isEmpty { resumeCheckNeeded = true }
            case .handoff:
                applyBudgets(now: now, into: &actions)
            }
        }
    }

    /// Schedules stream `slot` for when it next has something to do at or after `now`, if that is earlier than
    /// its current entry.
    /// A keyed stream that is idle is scheduled for when it may be released (`idleAfter`).
    mutating func reschedule(_ slot: Int, now: Instant) {
        var wake: Instant?
        switch streams[slot]!.existence {
        case .unknown: wake = now
        case .creating: wake = nil
        case .createBackoff(let retryAt, _): wake = streams[slot]!.waitingForCreate ? nil : retryAt
        case .exists:
            wake =
                streams[slot]!.waitingForAccount
                ? nil
                : streams[slot]!.lane.nextWakeNotingPacerHold(now: now, roundTripFloor: roundTripFloor?.nanoseconds)
        }
        if let releaseAt = noteIdleness(slot, now: now), streams[slot]!.existence != .unknown {
            wake = min(wake ?? releaseAt, releaseAt)
        }
        guard let wake else { return }
        schedule(slot, at: max(wake, now))
    }

    /// Puts stream `slot` in the scheduler at `at`, unless it is already there at or before `at`.
    mutating func schedule(_ slot: Int, at: Instant) {
        if let current = streams[slot]!.scheduledAt, current <= at { return }
        streams[slot]!.scheduledAt = at
        scheduler.schedule(.stream(slot), at: at)
        if scheduler.count > max(1024, 4 * streams.count) {
            let streams = self.streams
            let deadLetters = self.deadLetters
            let createsAt = createsScheduledAt
            scheduler.compact { entry in
                switch entry.target {
                case .stream(let slot): streams[slot]?.scheduledAt == entry.at
                case .deadLetter(let id): deadLetters[id] != nil
                case .creates: createsAt == entry.at
                case .resumeCheck, .handoff: true
                }
            }
        }
    }

    /// What stream `slot` does at `now`: ask for the stream to be created, or send every message its lane, its
    /// pacer and the account cap allow, then schedule its next look.
    mutating func step(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        if let idleSince = streams[slot]!.idleSince, streams[slot]!.isReleasable {
            let releaseAt = idleSince + max(streams[slot]!.settings.idleAfter, Self.pacerWindow)
            guard now < releaseAt else { return release(slot, into: &actions) }
            schedule(slot, at: releaseAt)
        }
        switch streams[slot]!.existence {
        case .unknown:
            return create(slot, recreate: false, now: now, into: &actions)
        case .creating:
            return
        case .createBackoff(let retryAt, let recreate):
            if streams[slot]!.waitingForCreate { return }
            if retryAt <= now {
                create(slot, recreate: recreate, now: now, into: &actions)
            } else {
                schedule(slot, at: retryAt)
            }
            return
        case .exists:
            break
        }
        while true {
            guard accountHasRoom else {
                if let wake = streams[slot]!.lane.nextWake(now: now, roundTripFloor: roundTripFloor?.nanoseconds) {
                    if wake <= now {
                        waitForAccount(slot)
                    } else {
                        schedule(slot, at: wake)
                    }
                }
                break
            }
            let lane = streams[slot]!.lane.nextStep(now: now, roundTripFloor: roundTripFloor?.nanoseconds)
            if !lane.dropped.isEmpty { settle(lane.dropped, slot: slot, into: &actions) }
            if let message = lane.message {
                accountInFlight += 1
                actions.append(
                    .publish(
                        PublishRequest(
                            stream: streams[slot]!.name, label: streams[slot]!.label, sequence: message.sequence,
                            data: message.data,
                            recordCount: message.recordCount, attempt: message.previousAttempts + 1,
                            pacerWait: lane.pacerWait)))
                continue
            }
            if !lane.dropped.isEmpty { continue }  // records expired: look again
            if let wakeAt = lane.wakeAt { schedule(slot, at: max(wakeAt, now + .nanoseconds(1))) }
            break
        }
        reportDepth(slot, into: &actions)
        if streams[slot]!.keyed, let releaseAt = noteIdleness(slot, now: now) {
            schedule(slot, at: max(releaseAt, now + .nanoseconds(1)))
        }
    }

    // MARK: The account-wide cap

    /// Whether one more publish fits under the ceiling and the account-wide cap (none until Twilio answers 20429).
    var accountHasRoom: Bool { accountInFlight < min(publishCeiling, account.limit ?? .max) }

    /// The most publishes the relay has in flight at once: `twilio.maxConcurrentRequests`, and over plain HTTP
    /// (HTTP/1.1, where each connection carries one request at a time) no more than `twilio.maxConnections`.
    /// Counted here, before the pacer admits a message, so that an admitted message goes on the wire at once: a
    /// message that waited for a transfer slot after its pacer token would arrive later than the pacer recorded,
    /// and a queue that empties bunches arrivals (decision 0005). The HTTP client keeps its own limit as well, for
    /// stream creations and TTL refreshes, which this does not count.
    static func publishCeiling(_ twilio: TwilioConfiguration) -> Int {
        let requests = max(1, twilio.maxConcurrentRequests)
        guard twilio.baseURL.lowercased().hasPrefix("http://") else { return requests }
        return min(requests, max(1, twilio.maxConnections))
    }

    private mutating func waitForAccount(_ slot: Int) {
        guard !streams[slot]!.waitingForAccount else { return }
        streams[slot]!.waitingForAccount = true
        accountWaiting.append(slot)
    }

    /// Steps the streams waiting for the account cap, first come first served, while there is room.
    mutating func admitAccountWaiters(now: Instant, into actions: inout [EngineAction]) {
        while accountHasRoom, let slot = accountWaiting.popFirst() {
            streams[slot]!.waitingForAccount = false
            step(slot, now: now, into: &actions)
        }
    }
}
