import Logging
import RelayCore
import Synchronization

/// Tells readiness when Twilio has failed every request for `twilio.unavailableAfter` (connection errors, timeouts,
/// 5xx: an outage, not a routine retry), and when it answers again. Every answered request of the pipeline and the
/// stream registry passes through `answered`.
final class TwilioAvailability: Sendable {
    private struct State {
        var tracker: OutageTracker
        var reported = false
    }

    private let state: Mutex<State>
    private let health: HealthState
    private let logger: Logger
    private let clock: MonotonicClock

    /// `clock` is the pipeline's, so outage times and the engine's instants share one timeline.
    init(threshold: Duration, clock: MonotonicClock, health: HealthState, logger: Logger) {
        self.clock = clock
        state = Mutex(State(tracker: OutageTracker(threshold: threshold)))
        self.health = health
        self.logger = logger
    }

    /// Records the outcome of one request to Twilio.
    func answered(_ outcome: PublishOutcome) {
        let now = clock.now()
        let change = state.withLock { state -> (outage: Bool, threshold: Duration)? in
            let outage = state.tracker.record(outcome, now: now)
            guard outage != state.reported else { return nil }
            state.reported = outage
            return (outage, state.tracker.threshold)
        }
        guard let change else { return }
        if change.outage {
            let reason =
                "every request to Twilio failed for \(DurationText.format(change.threshold)) (last: \(outcome)); records are held and retried"
            health.setNotReady(.twilio, reason: reason)
            logger.error("twilio.unavailable", metadata: [LogKey.outcome: .string("\(outcome)")])
        } else {
            // Twilio answered. A refusal of the credentials keeps its own not-ready reason (set by the caller).
            if case .unauthorized = outcome {} else { health.setReady(.twilio) }
            logger.notice("twilio.available", metadata: [LogKey.outcome: .string("\(outcome)")])
        }
    }
}
