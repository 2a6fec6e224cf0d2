/// Decides when a run of failed Twilio requests is an outage an operator must see.
///
/// One failed publish is routine (it is retried); a host that answers nothing but connection errors, timeouts or 5xx
/// for `threshold` is not, and readiness should say so while records are held. The tracker remembers when the current
/// run of failures began; any answer that shows Twilio is reachable and working ends it. Rate limits and rejections
/// of one request are answers, not outage: they end a run too.
public struct OutageTracker: Sendable, Hashable {
    /// How long requests must fail without a success before it is an outage.
    public let threshold: Duration
    /// When the current run of failures began; nil when the last answer was a success.
    public private(set) var failingSince: Instant?
    /// The last failure of the current run, to show in the reason.
    public private(set) var lastFailure: PublishOutcome?

    /// A tracker that calls a run of failures an outage after `threshold`.
    public init(threshold: Duration) {
        self.threshold = threshold
    }

    /// Whether `outcome` says Twilio is unreachable or failing (as opposed to answering).
    public static func isOutageSign(_ outcome: PublishOutcome) -> Bool {
        switch outcome {
        case .transportError, .timeout, .serverError: true
        default: false
        }
    }

    /// Records the outcome of one request at `now`; returns whether Twilio is now in an outage.
    public mutating func record(_ outcome: PublishOutcome, now: Instant) -> Bool {
        guard Self.isOutageSign(outcome) else {
            answered()
            return false
        }
        lastFailure = outcome
        return failed(now: now)
    }

    /// A request failed at `now` for a reason that says the peer is unreachable or failing (any peer: the Schema
    /// Registry's client classifies its own failures); returns whether this is now an outage.
    public mutating func failed(now: Instant) -> Bool {
        if failingSince == nil { failingSince = now }
        return isOutage(now: now)
    }

    /// The peer answered: the run of failures, if any, is over.
    public mutating func answered() {
        failingSince = nil
        lastFailure = nil
    }

    /// Whether the current run of failures has lasted `threshold` by `now`.
    public func isOutage(now: Instant) -> Bool {
        guard let failingSince else { return false }
        return now >= failingSince + threshold
    }
}
