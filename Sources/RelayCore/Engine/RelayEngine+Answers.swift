/// Twilio's and the dead-letter topic's answers: retry decisions, the account cap, stream (re)creation, TTL refresh.
extension RelayEngine {
    /// Lowers the round-trip floor to stream `slot`'s baseline after one of its answers (or replaces an expired one).
    mutating func learnRoundTrip(from slot: Int, now: Instant) {
        guard let candidate = streams[slot]?.lane.pacer.baselineRoundTrip else { return }
        if let floor = roundTripFloor, candidate > floor.nanoseconds,
            now.nanoseconds &- floor.measuredAt.nanoseconds <= Self.roundTripFloorHorizon
        {
            return
        }
        roundTripFloor = (candidate, now)
    }

    mutating func publishAnswered(
        stream name: String, sequence: UInt64, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        accountInFlight = max(0, accountInFlight - 1)
        defer { admitAccountWaiters(now: now, into: &actions) }
        guard let slot = slotByName[name], let attempt = streams[slot]!.lane.attempt(of: sequence) else { return }
        let recreations = streams[slot]!.recreations[sequence] ?? 0
        let label = streams[slot]!.label
        let decision = RetryPlanner(policy: streams[slot]!.settings.retryPolicy).decide(
            outcome: outcome, history: AttemptHistory(attempts: attempt, recreations: recreations), now: now,
            using: &random)
        updateAccountCap(decision: decision, now: now, into: &actions)
        defer { learnRoundTrip(from: slot, now: now) }
        switch decision {
        case .done:
            streams[slot]!.recreations[sequence] = nil
            let records = streams[slot]!.lane.acknowledge(sequence: sequence, now: now)
            actions.append(.report(.acknowledged(stream: label, records: records)))
            for record in records { markDone(record) }
            refreshTTLIfDue(slot, now: now, into: &actions)
        case .retry(let at, let reason):
            streams[slot]!.lane.retry(sequence: sequence, notBefore: at, now: now)
            if reason.pausesStream { streams[slot]!.lane.pause(until: at) }
            actions.append(.report(.retried(stream: label, reason: reason.rawValue)))
        case .recreateStreamThenRetry(let at):
            streams[slot]!.recreations[sequence, default: 0] += 1
            streams[slot]!.lane.retry(sequence: sequence, notBefore: at, now: now)
            actions.append(.report(.retried(stream: label, reason: "stream-missing")))
            if streams[slot]!.existence == .exists { create(slot, recreate: true, now: now, into: &actions) }
        case .deadLetter(let reason), .drop(let reason):
            actions.append(.report(.rejected(stream: name, sequence: sequence, reason: reason, outcome: outcome)))
            streams[slot]!.recreations[sequence] = nil
            var toDeadLetter = false
            if case .deadLetter = decision { toDeadLetter = settings.deadLetters }
            let dropped = streams[slot]!.lane.abandon(
                sequence: sequence, reason: .rejected, deadLetter: toDeadLetter, now: now)
            settle(dropped, slot: slot, into: &actions)
        case .holdUnhealthy(let retryAt):
            streams[slot]!.lane.retry(sequence: sequence, notBefore: retryAt, now: now)
            actions.append(.report(.retried(stream: label, reason: "unauthorized")))
        }
        if streams[slot]!.holdsRevokedRecords { withdrawRevokedRecords(slot, now: now) }
        reschedule(slot, now: now)
    }

    /// Feeds the account-wide cap Twilio's answer: a 20429 lowers it, a success may raise or lift it.
    private mutating func updateAccountCap(decision: RetryDecision, now: Instant, into actions: inout [EngineAction]) {
        let before = account.limit
        if case .retry(_, let reason) = decision, reason.lowersAccountConcurrency {
            account.accountRateLimited(inFlight: accountInFlight + 1, now: now)
        }
        if decision == .done { account.succeeded(now: now) }
        if let after = account.limit, before.map({ after < $0 }) ?? true {
            accountLowerings += 1
            actions.append(.report(.accountConcurrencyLowered(limit: after)))
        } else if before != nil, account.limit == nil {
            actions.append(.report(.accountConcurrencyRestored))
        }
    }

    /// Refreshes the TTL of an active stream when half of it has passed since it was created or last refreshed.
    private mutating func refreshTTLIfDue(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        let stream = streams[slot]!
        guard !stream.refreshing, let last = stream.lastTTLRefresh else { return }
        let due = stream.settings.ttlRefresh && stream.settings.ttl > .zero && now - last >= stream.settings.ttl / 2
        guard due || stream.ttlOutdated else { return }
        streams[slot]!.refreshing = true
        streams[slot]!.ttlOutdated = false
        streams[slot]!.lastTTLRefresh = now
        actions.append(.refreshTTL(name: stream.name, ttl: stream.settings.ttl))
    }

    mutating func refreshAnswered(
        stream name: String, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        guard let slot = slotByName[name], streams[slot]!.refreshing else { return }
        streams[slot]!.refreshing = false
        if outcome != .accepted {
            // Try again on the next accepted publish.
            streams[slot]!.lastTTLRefresh = now - streams[slot]!.settings.ttl / 2
            streams[slot]!.ttlOutdated = true
        }
        actions.append(.report(.ttlRefreshed(stream: name, outcome: outcome)))
        if streams[slot]!.keyed { reschedule(slot, now: now) }  // it may be released now
    }

    mutating func createAnswered(
        stream name: String, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        guard let slot = slotByName[name], case .creating(let recreate) = streams[slot]!.existence else { return }
        if case .rateLimited(_, let retryAfter) = outcome {
            let cap = streams[slot]!.settings.retry.maxRetryAfter
            creates.rateLimited(retryAfter: retryAfter.map { min($0, cap) }, now: now)
            streams[slot]!.existence = .unknown
            actions.append(.report(.streamCreateFailed(stream: name, outcome: outcome)))
            create(slot, recreate: recreate, first: true, now: now, into: &actions)
            return
        }
        switch outcome {
        case .accepted, .alreadyExists:
            creates.succeeded(now: now)
            streams[slot]!.existence = .exists
            streams[slot]!.failedCreates = 0
            streams[slot]!.lastTTLRefresh = now
            if outcome == .accepted {
                streams[slot]!.ttlOutdated = false  // created with the TTL in force
                actions.append(
                    .report(.streamCreated(stream: streams[slot]!.label, name: name, recreated: recreate)))
            }
        default:
            let retry = streams[slot]!.settings.retry
            streams[slot]!.failedCreates += 1
            let wait: Duration
            if case .unauthorized = outcome {
                wait = retry.authRetryInterval
            } else {
                let doublings = min(streams[slot]!.failedCreates - 1, 30)
                wait = min(retry.initialBackoff * (1 << doublings), retry.maxBackoff)
            }
            streams[slot]!.existence = .createBackoff(retryAt: now + wait, recreate: recreate)
            actions.append(.report(.streamCreateFailed(stream: name, outcome: outcome)))
        }
        reschedule(slot, now: now)
    }

    mutating func deadLetterAnswered(id: UInt64, written: Bool, now: Instant, into actions: inout [EngineAction]) {
        guard var pending = deadLetters[id] else { return }  // its partition was revoked meanwhile
        guard written else {
            pending.failures += 1
            deadLetters[id] = pending
            let doublings = min(pending.failures - 1, 10)
            let wait = min(Self.deadLetterRetryBackoff * (1 << doublings), Self.deadLetterMaxBackoff)
            scheduler.schedule(.deadLetter(id), at: now + wait)
            return
        }
        deadLetters[id] = nil
        if let slot = pending.slot { streams[slot]!.deadLettersPending -= 1 }
        actions.append(.report(.deadLettered(stream: pending.label, reason: pending.letter.reason)))
        markDone(pending.letter.record)
        if let slot = pending.slot, streams[slot]!.keyed { reschedule(slot, now: now) }
    }

    /// The first wait before a failed dead-letter write is tried again; it doubles up to `deadLetterMaxBackoff`.
    static let deadLetterRetryBackoff = Duration.milliseconds(100)
    static let deadLetterMaxBackoff = Duration.seconds(10)
}
