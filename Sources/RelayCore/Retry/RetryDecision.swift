/// What to do after one publish outcome. Produced by `RetryPlanner`, carried out by the runtime.
public enum RetryDecision: Sendable, Hashable {
    /// Accepted: acknowledge the message in its lane.
    case done
    /// Send the same message again, not before `at` (`StreamLane.retry(sequence:notBefore:now:)`).
    case retry(at: Instant, reason: RetryReason)
    /// The stream vanished: create it again (with the route's TTL), then send the message again, not before `at`.
    case recreateStreamThenRetry(at: Instant)
    /// Give up on the message: hand its records back (`StreamLane.abandon`) for the dead-letter topic, loudly.
    case deadLetter(reason: GiveUpReason)
    /// Give up on the message and drop its records, loudly.
    case drop(reason: GiveUpReason)
    /// Credentials were refused: mark the relay not ready, keep the message and try again at `retryAt`.
    case holdUnhealthy(retryAt: Instant)
}

/// Why a message is being retried. Raw values are metric labels.
public enum RetryReason: String, Sendable, Hashable, CaseIterable {
    /// 429 with 54009: this stream's rate. The lane's pacer should pause until the retry time.
    case streamRateLimited = "stream-rate-limited"
    /// 429 with 20429: the account's limit. The runtime should also lower its global concurrency.
    case accountRateLimited = "account-rate-limited"
    /// 429 with another or no code.
    case rateLimited = "rate-limited"
    /// 5xx.
    case serverError = "server-error"
    /// Connection refused or reset, DNS, TLS.
    case transportError = "transport-error"
    /// No answer in time.
    case timeout

    /// Whether the stream's pacer should hold all its messages until the retry time.
    public var pausesStream: Bool { self == .streamRateLimited || self == .rateLimited }
    /// Whether the runtime should lower its account-wide concurrency.
    public var lowersAccountConcurrency: Bool { self == .accountRateLimited }
}

/// Why a message was given up on. Bounded, so it can label a metric via `label`.
public enum GiveUpReason: Sendable, Hashable {
    /// Twilio rejected it as too large (54006): a packer bug by construction.
    case tooLarge
    /// Twilio rejected it (another 4xx): `status` and Twilio `code`.
    case rejected(status: Int, twilioCode: Int?)
    /// Transient failures outlasted `RetryPolicy.maxAttempts`.
    case retriesExhausted
    /// The stream kept vanishing after `RetryPolicy.maxRecreations` recreations.
    case streamMissing

    /// A short label for metrics and logs.
    public var label: String {
        switch self {
        case .tooLarge: "too-large"
        case .rejected: "rejected"
        case .retriesExhausted: "retries-exhausted"
        case .streamMissing: "stream-missing"
        }
    }
}
