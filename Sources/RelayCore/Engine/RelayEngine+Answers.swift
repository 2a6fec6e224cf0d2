/// Twilio's and the dead-letter topic's answers: retry decisions, the publish gate, stream (re)creation, TTL refresh.
extension RelayEngine {
    /// Reports the account's concurrency figures (`EngineReport.twilioConcurrency`) when they changed.
    mutating func reportConcurrency(now: Instant, into actions: inout [EngineAction]) {
        guard let figures = gate.concurrencyFigures(now: now) else { return }
        actions.append(
            .report(
                .twilioConcurrency(
                    recentMaximum: figures.recentConcurrency, inFlightLimit: figures.inFlightLimit)))
    }

    mutating func publishAnswered(
        stream name: String, sequence: UInt64, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        defer { admitGateWaiters(now: now, into: &actions) }
        guard let slot = streams.slot(named: name), let attempt = streams[slot].lane.attempt(of: sequence) else {
            gate.abandoned()
            return
        }
        let label = streams[slot].label
        let decision = RetryPlanner(policy: streams[slot].settings.retryPolicy).decide(
            outcome: outcome,
            history: AttemptHistory(attempts: attempt, recreations: streams[slot].recreations[sequence] ?? 0),
            now: now, using: &random)
        gateAnswered(decision, now: now, into: &actions)
        defer { roundTripFloor.learn(streams.baselineRoundTrip(slot), now: now) }
        switch decision {
        case .done:
            streams[slot].recreations[sequence] = nil
            let records = streams[slot].lane.acknowledge(sequence: sequence, now: now)
            actions.append(.report(.acknowledged(label: label, records: records)))
            for record in records { flow.markDone(record) }
            refreshTTLIfDue(slot, now: now, into: &actions)
        case .retry(let at, let reason):
            streams[slot].lane.retry(sequence: sequence, notBefore: at, now: now)
            if reason.pausesStream { streams[slot].lane.pause(until: at) }
            actions.append(.report(.retried(label: label, reason: reason.rawValue)))
        case .recreateStreamThenRetry(let at):
            streams[slot].recreations[sequence, default: 0] += 1
            streams[slot].lane.retry(sequence: sequence, notBefore: at, now: now)
            actions.append(.report(.retried(label: label, reason: "stream-missing")))
            if streams[slot].phase == .exists { create(slot, recreate: true, now: now, into: &actions) }
        case .deadLetter(let reason), .drop(let reason):
            actions.append(
                .report(.rejected(label: label, name: name, sequence: sequence, reason: reason, outcome: outcome)))
            streams[slot].recreations[sequence] = nil
            var toDeadLetter = false
            if case .deadLetter = decision { toDeadLetter = settings.deadLetters }
            let dropped = streams[slot].lane.abandon(
                sequence: sequence, reason: .rejected, deadLetter: toDeadLetter, now: now)
            settle(dropped, slot: slot, into: &actions)
        case .holdUnhealthy(let retryAt):
            streams[slot].lane.retry(sequence: sequence, notBefore: retryAt, now: now)
            actions.append(.report(.retried(label: label, reason: "unauthorized")))
        }
        if !streams[slot].revokedWhileInFlight.isEmpty { withdrawRevokedRecords(slot, now: now) }
        reschedule(slot, now: now)
    }

    /// Tells the publish gate how a publish or snapshot write was answered, reporting a change of the account's cap.
    mutating func gateAnswered(_ decision: RetryDecision, now: Instant, into actions: inout [EngineAction]) {
        switch gate.answered(decision, now: now) {
        case .lowered(let limit)?: actions.append(.report(.accountConcurrencyLowered(limit: limit)))
        case .restored?: actions.append(.report(.accountConcurrencyRestored))
        case nil: break
        }
        // The budget's cap moves with its window too; the gauges are reported only when a figure changed.
        reportConcurrency(now: now, into: &actions)
    }

    /// Refreshes the TTL of an active stream when half of it has passed since it was created or last refreshed, or
    /// when Twilio holds an outdated one.
    private mutating func refreshTTLIfDue(_ slot: Int, now: Instant, into actions: inout [EngineAction]) {
        let ttl = streams[slot].settings.ttl
        guard streams[slot].ttl.isDue(now: now, ttl: ttl, ttlRefresh: streams[slot].settings.ttlRefresh) else { return }
        streams[slot].ttl.refreshSent(now: now)
        actions.append(.refreshTTL(name: streams[slot].name, ttl: ttl))
    }

    mutating func refreshAnswered(
        stream name: String, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        guard let slot = streams.slot(named: name), streams[slot].ttl.refreshing else { return }
        streams[slot].ttl.refreshAnswered(accepted: outcome == .accepted, now: now, ttl: streams[slot].settings.ttl)
        actions.append(.report(.ttlRefreshed(label: streams[slot].label, name: name, outcome: outcome)))
        if streams[slot].keyed { reschedule(slot, now: now) }  // it may be released now
    }

    mutating func createAnswered(
        stream name: String, outcome: PublishOutcome, now: Instant, into actions: inout [EngineAction]
    ) {
        guard let slot = streams.slot(named: name), case .creating(let recreate) = streams[slot].phase else { return }
        switch outcome {
        case .rateLimited(_, let retryAfter):
            let cap = streams[slot].settings.retry.maxRetryAfter
            gate.createRateLimited(retryAfter: retryAfter.map { min($0, cap) }, now: now)
            streams[slot].phase = .unknown
            actions.append(.report(.streamCreateFailed(label: streams[slot].label, name: name, outcome: outcome)))
            create(slot, recreate: recreate, first: true, now: now, into: &actions)
            return
        case .accepted, .alreadyExists:
            gate.createSucceeded(now: now)
            streams[slot].phase = .exists
            streams[slot].failedCreates = 0
            streams[slot].ttl.streamExists(created: outcome == .accepted, now: now)
            if outcome == .accepted {
                actions.append(.report(.streamCreated(label: streams[slot].label, name: name, recreated: recreate)))
            }
        default:
            streams[slot].failedCreates += 1
            let wait: Duration
            if case .unauthorized = outcome {
                wait = streams[slot].settings.retry.authRetryInterval
            } else {
                wait = streams[slot].settings.retryPolicy.backoff.delay(afterFailures: streams[slot].failedCreates)
            }
            streams[slot].phase = .createBackoff(retryAt: now + wait, recreate: recreate)
            actions.append(.report(.streamCreateFailed(label: streams[slot].label, name: name, outcome: outcome)))
        }
        reschedule(slot, now: now)
    }

    mutating func deadLetterAnswered(id: UInt64, written: Bool, now: Instant, into actions: inout [EngineAction]) {
        guard written else {
            if let retryAt = deadLetters.failed(id, now: now) { scheduler.schedule(.deadLetter(id), at: retryAt) }
            return
        }
        guard let pending = deadLetters.written(id) else { return }  // its partition was revoked meanwhile
        if let slot = pending.slot { streams[slot].deadLettersPending -= 1 }
        actions.append(.report(.deadLettered(label: pending.label, reason: pending.letter.reason)))
        flow.markDone(pending.letter.record)
        if let slot = pending.slot, streams[slot].keyed { reschedule(slot, now: now) }
    }
}
