import Logging
import RelayCore
import RelaySync
import Synchronization

/// Which streams exist, creating them with their TTL when first used, recreating them when they vanish, and
/// refreshing the TTL of active ones at most every TTL/2 so that only idle streams expire. Bounded: it remembers
/// at most one entry per stream the relay publishes to (the router's stream count), and forgets nothing else.
final class StreamRegistry: Sendable {
    private struct Entry {
        var exists = false
        var lastTTLRefresh: ContinuousClock.Instant
    }

    private let client: SyncStreamsClient
    private let observer: any RelayObserver
    private let health: HealthState
    private let availability: TwilioAvailability
    private let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])

    init(client: SyncStreamsClient, observer: any RelayObserver, health: HealthState, availability: TwilioAvailability, logger: Logger) {
        self.availability = availability
        self.client = client
        self.observer = observer
        self.health = health
        self.logger = logger
    }

    /// Makes sure `name` exists, creating it with `ttl` (zero: never expires). "Already exists" counts as success.
    /// Returns the outcome of the creation attempt (`.accepted` when the stream exists).
    func ensure(_ name: String, ttl: Duration, recreate: Bool = false) async -> PublishOutcome {
        if !recreate, entries.withLock({ $0[name]?.exists == true }) { return .accepted }
        let seconds = Int(ttl.components.seconds)
        let outcome: PublishOutcome
        do {
            _ = try await client.createStream(uniqueName: name, ttl: seconds > 0 ? seconds : nil)
            outcome = .accepted
            observer.streamCreated(stream: name, recreated: recreate)
            logger.info("stream.created", metadata: [LogKeys.stream: .string(name), LogKeys.recreated: .stringConvertible(recreate), LogKeys.ttlSeconds: .stringConvertible(seconds)])
        } catch {
            outcome = error.outcome
        }
        observer.twilioResponse(statusClass: outcome.statusClass, twilioCode: outcome.twilioCode)
        availability.answered(outcome)
        switch outcome {
        case .accepted, .alreadyExists:
            entries.withLock { $0[name] = Entry(exists: true, lastTTLRefresh: .now) }
            health.setReady(.twilio)
            return .accepted
        case .unauthorized(let status, let code):
            health.setNotReady(.twilio, reason: "Twilio answered \(status)\(code.map { " (\($0))" } ?? ""): the credentials are not accepted")
            return outcome
        default:
            return outcome
        }
    }

    /// Forgets that `name` exists (a publish found it gone).
    func markMissing(_ name: String) {
        entries.withLock { $0[name]?.exists = false }
    }

    /// Refreshes `name`'s TTL when half of it has passed since creation or the last refresh.
    func refreshIfDue(_ name: String, ttl: Duration) async {
        guard ttl > .zero else { return }
        let now = ContinuousClock.now
        let due = entries.withLock { entries -> Bool in
            guard var entry = entries[name], entry.exists, now - entry.lastTTLRefresh >= ttl / 2 else { return false }
            entry.lastTTLRefresh = now  // claim it, so concurrent publishes refresh once
            entries[name] = entry
            return true
        }
        guard due else { return }
        do {
            _ = try await client.updateStream(name, ttl: Int(ttl.components.seconds))
            observer.ttlRefreshed(stream: name)
        } catch {
            logger.warning("stream.ttl.refresh.failed", metadata: [LogKeys.stream: .string(name), LogKeys.error: .string(error.description)])
            entries.withLock { $0[name]?.lastTTLRefresh = now - ttl / 2 }  // try again on the next publish
        }
    }
}

extension PublishOutcome {
    /// The metric label of the HTTP status class.
    var statusClass: String {
        switch self {
        case .accepted, .alreadyExists: "2xx"
        case .notFound, .tooLarge, .invalid, .unauthorized, .rateLimited: "4xx"
        case .serverError: "5xx"
        case .transportError, .timeout: "transport"
        }
    }

    /// Twilio's error code, when the outcome carries one.
    var twilioCode: Int? {
        switch self {
        case .notFound(let code), .tooLarge(let code): code
        case .invalid(_, let code), .unauthorized(_, let code), .serverError(_, let code): code
        case .rateLimited(let scope, _): scope == .stream ? 54009 : scope == .account ? 20429 : nil
        case .accepted, .alreadyExists, .transportError, .timeout: nil
        }
    }
}
