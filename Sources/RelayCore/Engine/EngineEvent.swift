/// What happened, as told to `RelayEngine.handle(_:now:into:)`. The driver (RelayRuntime) turns callbacks of the
/// Kafka consumer, the Sync client, the dead-letter producer and its one timer into these, one at a time.
public enum EngineEvent: Sendable {
    /// Records consumed, in offset order per partition.
    case recordsReceived([SourceRecord])
    /// `partitions` were added to the assignment; `assignment` is the whole assignment after the change (with each
    /// topic's partition count, for the scale-out shares).
    case partitionsAssigned([TopicPartition], assignment: PartitionAssignment)
    /// `partitions` are leaving (a rebalance, or the group being left): stop feeding them, discard their queued and
    /// held records (not done: the next owner consumes them again), and let their in-flight publishes finish.
    /// `remaining` is the assignment after the revoke. Ask `isDrained(_:)`, then end it with `revokeDrainEnded`.
    case partitionsRevoked([TopicPartition], remaining: PartitionAssignment)
    /// The revoke's drain is over (drained, or its deadline passed): the engine forgets the partitions, withdraws
    /// their records from messages still waiting to be retried, and answers with `.commit` of their final offsets.
    case revokeDrainEnded([TopicPartition])
    /// The consumer's commit interval passed (or it is leaving): the engine answers with `.commit` of the offsets of
    /// what is done, if any.
    case commitRequested
    /// Twilio answered a `.publish` (or the request failed) with `outcome`.
    case publishAnswered(stream: String, sequence: UInt64, outcome: PublishOutcome)
    /// Twilio answered a `.createStream`.
    case streamCreateAnswered(stream: String, outcome: PublishOutcome)
    /// Twilio answered a `.refreshTTL`.
    case ttlRefreshAnswered(stream: String, outcome: PublishOutcome)
    /// Twilio answered a `.writeSnapshot` (or the request failed), classified.
    case snapshotAnswered(id: UInt64, answer: SnapshotAnswer)
    /// The dead-letter topic acknowledged (`written`) or failed a `.deadLetter`.
    case deadLetterAnswered(id: UInt64, written: Bool)
    /// The time the engine asked for with `.wake(at:)` has come (an early or late call is harmless).
    case timeReached
    /// Stop intake: pause every assigned partition and hold whatever still arrives; queued records are still sent.
    case stopRequested
    /// The configuration was reloaded (`sync-relay run` on SIGHUP): routes and stream settings change live, nothing
    /// queued or in flight is lost or sent twice. See `RelayEngine.reconfigure`.
    case configurationChanged(RelayConfiguration)
    /// The Schema Registry answered a `.fetchSchema` for `id`.
    case schemaAnswered(id: UInt32, answer: SchemaAnswer)
    /// A `.fetchSchema` for `id` found the registry unreachable (or failing): the engine fetches it again after a
    /// backoff, while the records needing it stay held.
    case schemaUnavailable(id: UInt32)
    /// The driver started: the engine asks for the start-up probe of Twilio (`.probeTwilio`).
    case started
    /// A Twilio response carried `Twilio-Concurrent-Requests` (any request: publish, create, TTL refresh, snapshot,
    /// probe). The driver hands it over before the answer of the same request, so the request still counts as in
    /// flight (`AccountConcurrencyBudget`).
    case twilioConcurrencyObserved(TwilioConcurrencyObservation)
    /// Twilio answered a `.probeTwilio` (`.accepted` when it answered well): a failure is probed again after a
    /// backoff.
    case twilioProbeAnswered(PublishOutcome)
}
