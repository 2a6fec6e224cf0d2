extension RelayConfigurationSchema {
    /// `kafka`: the consumer group and what it reads.
    public static let kafka = ConfigObjectSchema([
        ConfigField(
            "brokers", .array(.string(pattern: HostPort.pattern, meaning: "a broker address host:port"), minItems: 1),
            required: true, "Bootstrap brokers, each `host:port`."
        ),
        ConfigField(
            "groupId", .string(minLength: 1, maxLength: 249), default: "sync-relay",
            "Kafka consumer group. Relays sharing it share the partitions and the per-stream budget."
        ),
        ConfigField(
            "topics", .array(.string(pattern: TopicSelector.pattern, meaning: TopicSelector.meaning), minItems: 1),
            required: true,
            "Topics to consume: names, or regular expressions starting with `^` (topics created later that match are picked up at the next metadata refresh: `topic.metadata.refresh.interval.ms` in `kafka.properties`, librdkafka's default 5 minutes)."
        ),
        ConfigField(
            "startFrom", .string(pattern: StartPosition.pattern, meaning: StartPosition.meaning),
            default: .string(StartPosition.earliest.description),
            "Where a partition with no committed offset in the group starts (a new `groupId`, a partition added to a topic): `earliest`, the oldest record the broker still holds, so nothing is skipped (a backlog is relayed at the streams' pace); `latest`, only records produced from then on; an RFC 3339 time (`2026-12-06T09:30:00Z`), the first record whose timestamp is at or after it; or a duration back from the partition's assignment (`-1h`, `-30m`, `-7d`). A time or duration is looked up with offsets-for-times when the partition is assigned; a partition with no record that recent starts at its end, and one whose lookup fails starts at `earliest` (logged `kafka.start_from.unresolved`). Partitions with a committed offset the broker still holds always resume from it; one the broker no longer holds restarts at `earliest` (`latest` only when `startFrom` is `latest`). librdkafka's own default is `latest`."
        ),
        ConfigField(
            "instanceId", .string(pattern: GroupInstanceId.pattern, meaning: GroupInstanceId.meaning, minLength: 1),
            "Static group membership (librdkafka's `group.instance.id`): a relay restarted within `session.timeout.ms` (a crash, `systemctl restart`, an upgrade) gets its partitions back without a rebalance, so the rest of the group never pauses. `{hostname}` is replaced by the machine's host name. Each relay of a group needs its own id: a second relay with the same one fences the first, which then exits with status 78 and is not restarted. A static member does not leave the group when it stops, so its partitions wait up to `session.timeout.ms` before another relay takes them. Unset: dynamic membership (every start and stop rebalances the group)."
        ),
        ConfigField(
            "groupProtocol", .choice(of: KafkaConfiguration.GroupProtocol.self),
            default: .string(KafkaConfiguration.GroupProtocol.classic.rawValue),
            "The consumer group protocol (librdkafka's `group.protocol`). `classic`: Kafka's original protocol, which every broker speaks; a rebalance stops the whole group while members rejoin. `consumer`: KIP-848's next-generation protocol (Kafka 4.0 and later; Confluent Cloud; not Redpanda or Tansu yet): the broker assigns partitions and members hand them over one by one through heartbeats, so a member joining or leaving pauses only the partitions that move. With `consumer`, `session.timeout.ms`, `heartbeat.interval.ms` and `partition.assignment.strategy` are the broker's (`group.consumer.*` broker settings; `group.remote.assignor`, `uniform` or `range`, asks for an assignor), and `kafka.instanceId` still makes the relay a static member. Against a broker that does not offer it the relay consumes nothing and stays not ready (`kafka: starting`), or ends with `relay.kafka.fatal` when the broker refuses the request (operations.md, Scaling out)."
        ),
        ConfigField(
            "properties", .stringMap, default: .object([]),
            "librdkafka properties passed through as they are (TLS, SASL, fetch sizes...). Properties the relay owns are rejected. Read, with the files they name, when the relay starts: a change (a rotated SASL password or TLS key included) needs a restart; a reload refuses it."
        ),
        ConfigField(
            "deadLetterTopic", .string(pattern: TopicSelector.namePattern, meaning: "a Kafka topic name"),
            "Topic that receives every record dropped or rejected by policy, unchanged, with headers naming the reason. Unset: such records are dropped and counted."
        ),
        ConfigField(
            "commitInterval", .duration(.milliseconds(100)...(.seconds(300))), default: "5s",
            "How often done offsets are committed (also on revoke and shutdown)."
        ),
        ConfigField(
            "rebalanceDrainDeadline", .duration(.zero...(.seconds(300))), default: "10s",
            "On partition revoke, how long in-flight publishes of those partitions may take before the rebalance proceeds."
        ),
        ConfigField(
            "statisticsInterval", .duration(.seconds(1)...(.seconds(3600))), default: "10s",
            "How often librdkafka reports statistics (consumer lag, broker state) for metrics and readiness."
        ),
    ])
}
