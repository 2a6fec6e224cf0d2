import Foundation
import RelayCore
import RelayKafka
import RelaySync
import RelayTimers

/// The Twilio side: one worker per stream that makes sure the stream exists, then packs, paces and publishes.
extension RelayPipeline {
    /// The worker of stream `name`: runs until cancelled.
    func work(stream name: String) async {
        guard let (settings, wakeup) = state.withLock({ state in state.streams[name].map { ($0.settings, $0.wakeup) } }) else { return }
        await ensureExists(name, settings: settings)
        await withDiscardingTaskGroup { publishes in
            while !Task.isCancelled {
                let now = clock.now()
                let (step, drops, depth) = state.withLock { state -> (LaneStep, [DroppedRecord], (Int, Int, Int)) in
                    let entry = state.streams[name]!
                    let step = entry.lane.nextStep(now: now)
                    var drops = step.dropped
                    if !entry.drops.isEmpty {
                        drops = entry.drops + drops
                        entry.drops.removeAll()
                    }
                    entry.workerPlan = step.message == nil && drops.isEmpty ? .sleeping(until: step.wakeAt) : .working
                    return (step, drops, (entry.lane.queuedRecords, entry.lane.queuedBytes, entry.lane.inFlightCount))
                }
                observer.laneDepth(stream: name, records: depth.0, bytes: depth.1, inFlight: depth.2)
                if !drops.isEmpty { await settle(drops, stream: name) }
                if let message = step.message {
                    publishes.addTask { await self.publish(message, stream: name, settings: settings, wakeup: wakeup) }
                    continue
                }
                if !drops.isEmpty { continue }
                await wakeup.wait(until: step.wakeAt.map { clock.continuousInstant(for: $0) })
            }
        }
    }

    /// Creates the stream if needed, retrying with backoff (slowly while unauthorised) until it exists.
    private func ensureExists(_ name: String, settings: StreamSettings) async {
        var backoff = settings.retry.initialBackoff
        while !Task.isCancelled {
            let outcome = await registry.ensure(name, ttl: settings.ttl)
            if outcome == .accepted { return }
            let wait: Duration
            if case .unauthorized = outcome { wait = settings.retry.authRetryInterval } else { wait = backoff }
            logger.warning("stream.create.failed", metadata: [LogKeys.stream: .string(name), LogKeys.outcome: .string("\(outcome)")])
            try? await Timers.sleep(for: wait)
            backoff = min(backoff * 2, settings.retry.maxBackoff)
        }
    }

    /// Publishes one message and applies the retry planner's decision.
    private func publish(_ message: OutgoingMessage, stream name: String, settings: StreamSettings, wakeup: Wakeup) async {
        await accountGate.enter()
        let started = ContinuousClock.now
        let outcome: PublishOutcome
        do {
            let data = try SyncMessageData(trustedJSON: String(decoding: message.data, as: UTF8.self))
            outcome = await client.publishOutcome(data, to: name)
        } catch {
            outcome = .invalid(status: 0, twilioCode: nil)  // the packer never builds such a message
        }
        let answeredAt = clock.now()
        observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
        availability.answered(outcome)
        let recreations = state.withLock { $0.streams[name]?.recreations[message.sequence] ?? 0 }
        var random = SystemRandomNumberGenerator()
        let decision = RetryPlanner(policy: settings.retryPolicy).decide(
            outcome: outcome, history: AttemptHistory(attempts: message.previousAttempts + 1, recreations: recreations),
            now: answeredAt, using: &random
        )
        var accountRateLimited = false
        if case .retry(_, let reason) = decision { accountRateLimited = reason.lowersAccountConcurrency }
        accountGate.leave(accountRateLimited: accountRateLimited, succeeded: decision == .done, now: clock.now())
        var wakeWorker = true
        switch decision {
        case .done:
            let records = state.withLock { state -> [SourceRecord] in
                guard let entry = state.streams[name] else { return [] }
                entry.recreations[message.sequence] = nil
                let records = entry.lane.acknowledge(sequence: message.sequence, now: answeredAt)
                wakeWorker = entry.workerMustWake(now: answeredAt)
                return records
            }
            health.setReady(.twilio)
            observer.messagePublished(stream: name, records: message.recordCount, bytes: message.data.count, latency: .now - started)
            let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            for record in records {
                if let timestamp = record.timestamp { observer.endToEndLatency(stream: name, latency: .milliseconds(max(0, nowMilliseconds - timestamp))) }
            }
            markDone(records)
            if settings.ttlRefresh { await registry.refreshIfDue(name, ttl: settings.ttl) }
        case .retry(let at, let reason):
            state.withLock { state in
                state.streams[name]?.lane.retry(sequence: message.sequence, notBefore: at, now: answeredAt)
                if reason.pausesStream { state.streams[name]?.lane.pause(until: at) }
            }
            observer.publishRetried(stream: name, reason: reason.rawValue)
        case .recreateStreamThenRetry(let at):
            registry.markMissing(name)
            _ = await registry.ensure(name, ttl: settings.ttl, recreate: true)
            state.withLock { state in
                state.streams[name]?.recreations[message.sequence, default: 0] += 1
                state.streams[name]?.lane.retry(sequence: message.sequence, notBefore: at, now: answeredAt)
            }
            observer.publishRetried(stream: name, reason: "stream-missing")
        case .deadLetter(let reason), .drop(let reason):
            var deadLetter = false
            if case .deadLetter = decision { deadLetter = deadLetters != nil }
            logger.error("message.rejected", metadata: [LogKeys.stream: .string(name), LogKeys.sequence: .stringConvertible(message.sequence), LogKeys.reason: .string(reason.label), LogKeys.outcome: .string("\(outcome)")])
            state.withLock { state in
                state.streams[name]?.recreations[message.sequence] = nil
                let dropped = state.streams[name]?.lane.abandon(sequence: message.sequence, reason: .rejected, deadLetter: deadLetter, now: answeredAt) ?? []
                state.streams[name]?.drops += dropped
            }
        case .holdUnhealthy(let retryAt):
            health.setNotReady(.twilio, reason: "Twilio refused the credentials (\(outcome)); records are held and retried")
            state.withLock { $0.streams[name]?.lane.retry(sequence: message.sequence, notBefore: retryAt, now: answeredAt) }
            observer.publishRetried(stream: name, reason: "unauthorized")
        }
        if wakeWorker { wakeup.signal() }
    }

    /// Dead-letters (when asked and configured) or counts dropped records, then marks them done. A dead-letter
    /// write is retried until it succeeds: the source offset is done only once the dead letter is durable.
    func settle(_ drops: [DroppedRecord], stream name: String) async {
        var done: [SourceRecord] = []
        for drop in drops {
            if drop.deadLetter, let deadLetters {
                var backoff = Duration.milliseconds(100)
                while true {
                    do {
                        try await deadLetters.write(drop.record, reason: drop.reason.rawValue, stream: name)
                        break
                    } catch {
                        if Task.isCancelled { return }  // not done: consumed again after restart
                        logger.warning("deadletter.failed", metadata: [LogKeys.stream: .string(name), LogKeys.error: .string(error.description)])
                        try? await Timers.sleep(for: backoff)
                        backoff = min(backoff * 2, .seconds(10))
                    }
                }
                observer.recordsDeadLettered(stream: name, reason: drop.reason.rawValue, count: 1)
            } else {
                observer.recordsDropped(stream: name, reason: drop.reason.rawValue, count: 1)
            }
            done.append(drop.record)
        }
        markDone(done)
    }
}
