/// The effects `RelayEngine`'s actions need, as the driver performs them. Core declares them; the adapters implement
/// them (RelaySync the publisher and the schema source, RelayKafka the partition control, the committer
/// (`ConsumerPorts`) and the dead-letter sink, RelayTimers the wake timer), the application assembles them, and the
/// driver's tests fake them. Every answer is a callback that may run on any thread (the libcurl loop's, the
/// producer's, the timer thread): the driver feeds it to the engine as an `EngineEvent`.

/// Twilio Sync: publish, create, refresh.
public protocol StreamPublisher: Sendable {
    /// Publishes `request.data` to `request.stream`; calls `answer` once with what Twilio said.
    func publish(_ request: PublishRequest, answer: @escaping @Sendable (PublishOutcome) -> Void)
    /// Creates stream `name` with `ttl` (zero: never expires); "already exists" answers `.alreadyExists`.
    func createStream(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void)
    /// Sets stream `name`'s TTL to `ttl` from now.
    func refreshTTL(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void)
    /// Asks Twilio something cheap that needs the credentials (one page of streams); calls `answer` once with the
    /// outcome and, when it failed, what an operator should read (safe to log).
    func probe(answer: @escaping @Sendable (PublishOutcome, _ explanation: String?) -> Void)
}

/// The Schema Registry.
public protocol SchemaSource: Sendable {
    /// Fetches schema `id`; calls `answer` once.
    func fetch(_ id: UInt32, answer: @escaping @Sendable (SchemaFetch) -> Void)
}

/// What one schema fetch found.
public enum SchemaFetch: Sendable {
    /// The registry answered; `outcome` labels it for metrics (`found`, `not-found`, `unusable`).
    case answered(SchemaAnswer, outcome: String)
    /// The registry could not be reached, failed or refused the credentials (`reason` is safe to log): the engine
    /// asks again later.
    case unreachable(reason: String)
}

/// The Kafka consumer's fetch control (back-pressure).
public protocol PartitionControl: Sendable {
    /// Stops fetching `partitions`; the group membership stays alive.
    func pause(_ partitions: [TopicPartition])
    /// Fetches `partitions` again.
    func resume(_ partitions: [TopicPartition])
}

/// The dead-letter topic.
public protocol DeadLetterSink: Sendable {
    /// Writes `letter.record` with headers naming `letter.reason` and `letter.stream`; calls `answer(nil)` once the
    /// broker acknowledged it, or `answer` with why it failed, safe to log (the engine tries again later).
    func write(_ letter: DeadLetter, answer: @escaping @Sendable (_ failure: String?) -> Void)
}

/// The driver's one timer.
public protocol WakeTimer: Sendable {
    /// Calls `fire` at `instant` (on the engine's timeline), replacing the previous request.
    func wake(at instant: Instant, _ fire: @escaping @Sendable () -> Void)
    /// Forgets the pending request, if any.
    func cancel()
}
