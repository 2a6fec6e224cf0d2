import RelayCore

/// What the pipeline reports as it runs, for metrics. Every method is cheap, thread-safe and never blocks: the
/// pipeline calls them from its hot paths (the Kafka poll thread, the publishing tasks).
///
/// Labels are bounded by construction: topics and streams come from configuration (with the per-stream series cap
/// applied by the implementation), reasons and status classes are fixed vocabularies. Never an offset or a key.
public protocol RelayObserver: Sendable {
    /// Records handed over by the consumer.
    func recordsConsumed(topic: String, count: Int)
    /// A snapshot change ended (`result`: `written`, `deleted`, `superseded`, `refused`), completing `records`
    /// records; `route` is the snapshot's name template.
    func snapshotFinished(route: String, result: String, records: Int)
    /// A snapshot change not yet written was replaced by a newer value of its entity.
    func snapshotConflated(route: String)
    /// A snapshot request will be retried, by reason.
    func snapshotRetried(route: String, reason: String)
    /// Twilio answered a snapshot request (`operation`: `create`, `update`, `read`, `delete`, `create-map`) after
    /// `latency`.
    func snapshotAnswered(operation: String, latency: Duration)
    /// A message was accepted by Twilio (2xx).
    func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration)
    /// Twilio accepted records of `route` (its metrics label: a keyed template's text, else the stream name, or a
    /// snapshot's name template) in a stream message or a snapshot write (`target`: `stream`, `snapshot`); `ages`
    /// are their ages then, from their Kafka timestamps (records without one are left out).
    func recordsAccepted(route: String, target: String, ages: [Duration])
    /// Records a policy dropped, by reason (`DropReason.rawValue`: `overflow`, `max-age`, `conflated`, `oversize`,
    /// `rejected`, ...).
    func recordsDropped(stream: String, reason: String, count: Int)
    /// Records written to the dead-letter topic, by reason.
    func recordsDeadLettered(stream: String, reason: String, count: Int)
    /// A publish will be retried, by reason (`RetryReason.rawValue`).
    func publishRetried(stream: String, reason: String)
    /// An HTTP response (or transport failure) from Twilio: `statusClass` is `2xx`, `4xx`, `5xx` or `transport`;
    /// `twilioCode` is Twilio's error code when the body had one.
    func twilioResponse(statusClass: String, twilioCode: Int?)
    /// A lane's queue and in-flight publishes, sampled after each change.
    func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int)
    /// How long a due message waited for the pacer.
    func pacerWait(stream: String, wait: Duration)
    /// A stream was created (`recreated`: it had vanished, expired or deleted, while in use).
    func streamCreated(stream: String, recreated: Bool)
    /// A stream's TTL was refreshed.
    func ttlRefreshed(stream: String)
    /// Per-partition figures from Kafka: consumer lag and committed-offset lag (consumed minus committed).
    func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?)
    /// The age of the oldest record of the partition this relay holds and has not finished (zero when none waits;
    /// nil when the relay does not own the partition).
    func partitionWaiting(topic: String, partition: Int32, oldest: Duration?)
    /// Whether the relay is ready, for `sync_relay_ready`.
    func readinessChanged(ready: Bool)
    /// Records whose stream name could not be formed, by route (its template) and reason (`UnroutableReason`, or
    /// `invalid-stream-name`).
    func recordsUnroutable(route: String, reason: String, count: Int)
    /// A keyed route's streams with state in the relay.
    func routeStreams(route: String, active: Int)
    /// This relay's allowance of a stream its consumer group shares, in messages per one-second window.
    func streamAllowance(stream: String, messagesPerWindow: Double)
    /// A keyed route's stream was created at Twilio.
    func routeStreamCreated(route: String)
    /// A keyed route's stream state was released (idle).
    func routeStreamReleased(route: String)
    /// Records whose value or key could not be decoded, by route and reason (`UndecodableReason`).
    func recordsUndecodable(route: String, reason: String, count: Int)
    /// Records a route's filter rejected.
    func recordsFiltered(route: String, count: Int)
    /// One schema fetch from the registry ended with `outcome` (found, not-found, unusable, unavailable); `cached`
    /// schemas are held now.
    func schemaRegistryAnswered(outcome: String, cached: Int)
    /// The highest `Twilio-Concurrent-Requests` of the last 10 s (nil: none seen) and the engine's cap on publishes
    /// in flight, when either changed.
    func twilioConcurrency(recentMaximum: Int?, inFlightLimit: Int)
}

/// Route-level figures of keyed routes (one stream per key, whose streams never become label values): ignored
/// unless an observer implements them.
extension RelayObserver {
    public func recordsUnroutable(route: String, reason: String, count: Int) {}
    public func routeStreams(route: String, active: Int) {}
    public func streamAllowance(stream: String, messagesPerWindow: Double) {}
    public func routeStreamCreated(route: String) {}
    public func routeStreamReleased(route: String) {}
    public func recordsUndecodable(route: String, reason: String, count: Int) {}
    public func recordsFiltered(route: String, count: Int) {}
    public func schemaRegistryAnswered(outcome: String, cached: Int) {}
    public func twilioConcurrency(recentMaximum: Int?, inFlightLimit: Int) {}
}
