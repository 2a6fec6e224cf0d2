import Logging
import RelayCore
import Synchronization

/// Tells readiness when a peer the relay needs (Twilio, the Schema Registry) has failed every request for a threshold
/// (an outage, not a routine retry), and when it answers again. The run of failures is an `OutageTracker`; each
/// change is one log line and one readiness flip of the peer's `HealthState` component.
final class PeerAvailability: Sendable {
    /// What an outage and a recovery are called, and how the not-ready reason reads.
    struct Wording: Sendable {
        /// Log messages, e.g. `twilio.unavailable` and `twilio.available`.
        var unavailable: Logger.Message
        var available: Logger.Message
        /// The metadata key the last failure is logged under.
        var failureKey: String
        /// The not-ready reason from the threshold's text and the last failure.
        var reason: @Sendable (_ threshold: String, _ lastFailure: String) -> String
    }

    private struct State {
        var tracker: OutageTracker
        var reported = false
    }

    private let state: Mutex<State>
    private let component: HealthState.Component
    private let wording: Wording
    private let health: HealthState
    private let logger: Logger
    private let clock: MonotonicClock

    /// `clock` is the pipeline's, so outage times and the engine's instants share one timeline.
    init(
        _ component: HealthState.Component, threshold: Duration, wording: Wording, clock: MonotonicClock,
        health: HealthState, logger: Logger
    ) {
        state = Mutex(State(tracker: OutageTracker(threshold: threshold)))
        self.component = component
        self.wording = wording
        self.clock = clock
        self.health = health
        self.logger = logger
    }

    /// The outage threshold.
    var threshold: Duration { state.withLock { $0.tracker.threshold } }

    /// A request failed in a way that says the peer is unreachable or failing; `failure` describes it.
    func failed(_ failure: String) {
        let now = clock.now()
        let report = state.withLock { state -> Bool in
            guard state.tracker.failed(now: now), !state.reported else { return false }
            state.reported = true
            return true
        }
        guard report else { return }
        health.setNotReady(component, reason: wording.reason(DurationText.format(threshold), failure))
        logger.error(wording.unavailable, metadata: [wording.failureKey: .string(failure)])
    }

    /// The peer answered (`answer` describes how). `ready`: whether the answer makes the component ready (a refusal
    /// of the credentials keeps its own not-ready reason, set by the caller).
    func answered(_ answer: String, ready: Bool = true) {
        let recovered = state.withLock { state -> Bool in
            state.tracker.answered()
            defer { state.reported = false }
            return state.reported
        }
        guard recovered else { return }
        if ready { health.setReady(component) }
        logger.notice(wording.available, metadata: [wording.failureKey: .string(answer)])
    }
}

extension PeerAvailability.Wording {
    /// Twilio: publishes, creates and the stream registry's requests.
    static let twilio = Self(
        unavailable: "twilio.unavailable", available: "twilio.available", failureKey: LogKey.outcome,
        reason: { threshold, last in
            "every request to Twilio failed for \(threshold) (last: \(last)); records are held and retried"
        })

    /// The Schema Registry: schema fetches.
    static let schemaRegistry = Self(
        unavailable: "schema.registry.unavailable", available: "schema.registry.available", failureKey: LogKey.error,
        reason: { threshold, last in
            "every fetch from the Schema Registry failed for \(threshold) (last: \(last)); records needing a schema are held"
        })
}
