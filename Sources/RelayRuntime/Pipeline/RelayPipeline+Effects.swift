import Foundation
import Logging
import RelayCore

/// The engine's actions, performed through the ports; every answer is fed back with `apply`.
extension RelayPipeline {
    /// Performs `actions` in order, on the loop (`closed`: `run()` has ended, nothing more is sent), with the
    /// consumer's ports (nil before `attach`).
    func perform(
        _ actions: [EngineAction], closed: Bool, partitionControl: (any PartitionControl)?,
        committer: (any OffsetCommitter)?
    ) {
        for action in actions {
            switch action {
            case .publish(let request):
                guard !closed else { continue }
                observer.pacerWait(stream: request.label, wait: request.pacerWait)
                let started = clock.now()
                publisher.publish(request) { [self] outcome in
                    twilioAnswered(outcome)
                    if outcome == .accepted {
                        observer.messagePublished(
                            stream: request.label, records: request.recordCount, bytes: request.data.count,
                            latency: clock.now() - started)
                    }
                    apply(.publishAnswered(stream: request.stream, sequence: request.sequence, outcome: outcome))
                }
            case .createStream(let name, let ttl, _):
                guard !closed else { continue }
                publisher.createStream(name, ttl: ttl) { [self] outcome in
                    twilioAnswered(outcome)
                    apply(.streamCreateAnswered(stream: name, outcome: outcome))
                }
            case .refreshTTL(let name, let ttl):
                guard !closed else { continue }
                publisher.refreshTTL(name, ttl: ttl) { [self] outcome in
                    twilioAnswered(outcome)
                    apply(.ttlRefreshAnswered(stream: name, outcome: outcome))
                }
            case .writeSnapshot(let request):
                guard !closed else { continue }
                let started = clock.now()
                snapshotWriter.write(request) { [self] answer in
                    if case .failed(let outcome) = answer {
                        twilioAnswered(outcome)
                    } else {
                        twilioAnswered(.accepted)
                        observer.snapshotAnswered(
                            operation: request.operation.label, latency: clock.now() - started)
                    }
                    apply(.snapshotAnswered(id: request.id, answer: answer))
                }
            case .pause(let partitions):
                partitionControl?.pause(partitions)
            case .resume(let partitions):
                partitionControl?.resume(partitions)
            case .commit(let offsets):
                committer?.commit(offsets)
            case .deadLetter(let letter):
                guard !closed, let deadLetters else { continue }
                deadLetters.write(letter) { [self] failure in
                    if let failure {
                        logger.warning(
                            "deadletter.failed",
                            metadata: [LogKey.stream: .string(letter.stream), LogKey.error: .string(failure)])
                    }
                    apply(.deadLetterAnswered(id: letter.id, written: failure == nil))
                }
            case .wake(let at):
                guard !closed else { continue }
                timer.wake(at: at) { [weak self] in self?.apply(.timeReached) }
            case .fetchSchema(let id):
                guard !closed else { continue }
                fetchSchema(id)
            case .probeTwilio:
                guard !closed else { continue }
                probeTwilio()
            case .report(let report):
                self.report(report)
            }
        }
    }

    /// Readiness and metrics for every answer from Twilio.
    private func twilioAnswered(_ outcome: PublishOutcome) {
        observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
        if OutageTracker.isOutageSign(outcome) {
            availability.failed("\(outcome)")
        } else {
            // A refusal of the credentials keeps its own not-ready reason (set below).
            let refused: Bool = if case .unauthorized = outcome { true } else { false }
            availability.answered("\(outcome)", ready: !refused)
        }
        switch outcome {
        case .accepted, .alreadyExists:
            health.setReady(.twilio)
        case .unauthorized:
            health.setNotReady(
                .twilio, reason: "Twilio refused the credentials (\(outcome)); records are held and retried")
        default:
            break
        }
    }

    private func report(_ report: EngineReport) {
        switch report {
        case .consumed(let topic, let count):
            observer.recordsConsumed(topic: topic, count: count)
        case .acknowledged(let label, let records):
            let now = wallClock.milliseconds()
            let ages = records.compactMap { record in
                record.timestamp.map { wallClock.age(ofTimestamp: $0, now: now) }
            }
            observer.recordsAccepted(route: label, target: "stream", ages: ages)
        case .dropped(let label, let drops):
            var counts: [DropReason: Int] = [:]
            for drop in drops { counts[drop.reason, default: 0] += 1 }
            for (reason, count) in counts {
                observer.recordsDropped(stream: label, reason: reason.rawValue, count: count)
            }
        case .deadLettered(let label, let reason):
            observer.recordsDeadLettered(stream: label, reason: reason.rawValue, count: 1)
        case .retried(let label, let reason):
            observer.publishRetried(stream: label, reason: reason)
        case .rejected(_, let name, let sequence, let reason, let outcome):
            logger.error(
                "message.rejected",
                metadata: [
                    LogKey.stream: .string(name), LogKey.sequence: .stringConvertible(sequence),
                    LogKey.reason: .string(reason.label), LogKey.outcome: .string("\(outcome)"),
                ])
        case .unroutable(let route, let topic, let reason):
            observer.recordsUnroutable(route: route, reason: reason, count: 1)
            // Keyed routes' bad records are counted by reason; one log line each only at debug level.
            logger.log(
                level: reason == DropReason.invalidStreamName.rawValue ? .error : .debug, "record.unroutable",
                metadata: [
                    LogKey.route: .string(route), LogKey.topic: .string(topic), LogKey.reason: .string(reason),
                ])
        case .undecodable(let route, let topic, let reason):
            observer.recordsUndecodable(route: route, reason: reason, count: 1)
            logger.debug(
                "record.undecodable",
                metadata: [
                    LogKey.route: .string(route), LogKey.topic: .string(topic), LogKey.reason: .string(reason),
                ])
        case .filtered(let route, _):
            observer.recordsFiltered(route: route, count: 1)
        case .schemaLoaded(let id, let type):
            logger.info(
                "schema.loaded", metadata: [LogKey.schemaId: .stringConvertible(id), LogKey.schemaType: .string(type)])
        case .schemaRefused(let id, let reason, let detail):
            logger.error(
                "schema.refused",
                metadata: [
                    LogKey.schemaId: .stringConvertible(id), LogKey.reason: .string(reason),
                    LogKey.error: .string(detail),
                ])
        case .streamCreated(let label, let name, let recreated):
            observer.streamCreated(stream: label, recreated: recreated)
            if label != name { observer.routeStreamCreated(route: label) }
            logger.log(
                level: label != name ? .debug : .info, "stream.created",
                metadata: [
                    LogKey.stream: .string(name), LogKey.recreated: .stringConvertible(recreated),
                ])
        case .streamActivated(let route, let active):
            observer.routeStreams(route: route, active: active)
        case .streamReleased(let route, let active):
            observer.routeStreams(route: route, active: active)
            observer.routeStreamReleased(route: route)
        case .streamCreateFailed(_, let name, let outcome):
            logger.warning(
                "stream.create.failed",
                metadata: [LogKey.stream: .string(name), LogKey.outcome: .string("\(outcome)")])
        case .ttlRefreshed(let label, let name, let outcome):
            if outcome == .accepted {
                observer.ttlRefreshed(stream: label)
            } else {
                logger.warning(
                    "stream.ttl.refresh.failed",
                    metadata: [LogKey.stream: .string(name), LogKey.outcome: .string("\(outcome)")])
            }
        case .laneDepth(let label, let records, let bytes, let inFlight):
            observer.laneDepth(stream: label, records: records, bytes: bytes, inFlight: inFlight)
        case .accountConcurrencyLowered(let limit):
            logger.warning(
                "twilio.account.concurrency.lowered",
                metadata: [LogKey.twilioConcurrencyLimit: .stringConvertible(limit)])
        case .accountConcurrencyRestored:
            logger.notice("twilio.account.concurrency.restored")
        case .twilioConcurrency(let recentMaximum, let inFlightLimit):
            observer.twilioConcurrency(recentMaximum: recentMaximum, inFlightLimit: inFlightLimit)
        case .snapshotConflated(let label):
            observer.snapshotConflated(route: label)
        case .snapshotFinished(let label, let result, let records, let timestamp):
            observer.snapshotFinished(route: label, result: result.rawValue, records: records)
            if result == .written || result == .deleted, let timestamp {
                let age = wallClock.age(ofTimestamp: timestamp, now: wallClock.milliseconds())
                observer.recordsAccepted(route: label, target: "snapshot", ages: [age])
            }
        case .snapshotRetried(let label, let reason):
            observer.snapshotRetried(route: label, reason: reason)
        case .snapshotRefused(let label, let outcome):
            logger.error(
                "snapshot.refused", metadata: [LogKey.route: .string(label), LogKey.outcome: .string("\(outcome)")])
        case .allowance(let label, let messagesPerWindow, let guaranteed):
            observer.streamAllowance(stream: label, messagesPerWindow: messagesPerWindow)
            logger.log(
                level: guaranteed ? .info : .warning,
                guaranteed ? "stream.allowance" : "stream.allowance.unguaranteed",
                metadata: [
                    LogKey.stream: .string(label), LogKey.messagesPerSecond: .stringConvertible(messagesPerWindow),
                ])
        }
    }
}
