/// Limits of retry decisions, per route. Defaults follow DESIGN.md section 3 ("Errors and retries").
public struct RetryPolicy: Sendable, Hashable {
    /// What happens to a message Twilio rejects, or whose retries are exhausted.
    public enum GiveUpDisposition: String, Sendable, Hashable, CaseIterable {
        /// Hand its records to the dead-letter topic.
        case deadLetter = "dead-letter"
        /// Drop its records (counted, logged).
        case drop
    }

    /// The first backoff, before jitter. Default 250 ms.
    public var initialBackoff: Duration
    /// The largest backoff, before jitter. Default 30 s.
    public var maxBackoff: Duration
    /// Growth factor per attempt. Default 2.
    public var multiplier: Double
    /// The longest `Retry-After` honoured; longer ones are capped to this. Default 60 s.
    public var maxRetryAfter: Duration
    /// The most publish attempts for transient failures (5xx, timeouts, transport, 429); `nil` (the default) retries
    /// without limit, as DESIGN.md asks.
    public var maxAttempts: Int?
    /// How often to retry while credentials are refused (401/403). Default 30 s.
    public var unauthorizedRetryInterval: Duration
    /// How many times a vanished stream (404 on publish) is recreated for one message before giving up. Default 3.
    public var maxRecreations: Int
    /// What to do with a message given up on. Default `.deadLetter` (the runtime drops instead when the route has no
    /// dead-letter topic).
    public var giveUp: GiveUpDisposition

    /// A policy with the given limits.
    public init(
        initialBackoff: Duration = .milliseconds(250),
        maxBackoff: Duration = .seconds(30),
        multiplier: Double = 2,
        maxRetryAfter: Duration = .seconds(60),
        maxAttempts: Int? = nil,
        unauthorizedRetryInterval: Duration = .seconds(30),
        maxRecreations: Int = 3,
        giveUp: GiveUpDisposition = .deadLetter
    ) {
        precondition(initialBackoff > .zero && maxBackoff >= initialBackoff && multiplier >= 1, "bad backoff")
        precondition(maxAttempts.map { $0 >= 1 } ?? true && maxRecreations >= 0, "bad retry limits")
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxRetryAfter = maxRetryAfter
        self.maxAttempts = maxAttempts
        self.unauthorizedRetryInterval = unauthorizedRetryInterval
        self.maxRecreations = maxRecreations
        self.giveUp = giveUp
    }

    /// The backoff between attempts (before jitter).
    public var backoff: Backoff { Backoff(initial: initialBackoff, maximum: maxBackoff, multiplier: multiplier) }
}

/// What happened so far to one message: the input of a retry decision besides the outcome.
public struct AttemptHistory: Sendable, Hashable {
    /// Publish attempts made, including the one whose outcome is being decided (so at least 1).
    public var attempts: Int
    /// Times the stream was recreated for this message.
    public var recreations: Int

    /// A history of `attempts` attempts and `recreations` recreations.
    public init(attempts: Int = 1, recreations: Int = 0) {
        self.attempts = attempts
        self.recreations = recreations
    }
}
