/// What one Twilio response said about the account's concurrency: its `Twilio-Concurrent-Requests` header (the
/// account's requests in flight when this one arrived, every app on the account included) and how the request that
/// carried it was answered. RelaySync reads it from every Sync response; the engine's `AccountConcurrencyBudget`
/// learns from it.
public struct TwilioConcurrencyObservation: Sendable, Equatable {
    /// How Twilio answered the request that carried the header.
    public enum Answer: Sendable, Equatable {
        /// 2xx: the account took `concurrentRequests` requests at once.
        case accepted
        /// 429 with code 20429: the account was at its limit (`concurrentRequests` is past it).
        case refusedForConcurrency
        /// Anything else (a 404, a 54009, a 5xx): says nothing about the limit.
        case other
    }

    /// The header's value.
    public var concurrentRequests: Int
    /// How the request was answered.
    public var answer: Answer

    /// An observation of `concurrentRequests` on a request answered `answer`.
    public init(concurrentRequests: Int, answer: Answer) {
        self.concurrentRequests = concurrentRequests
        self.answer = answer
    }
}
