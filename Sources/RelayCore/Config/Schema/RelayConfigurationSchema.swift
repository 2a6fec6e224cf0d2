/// The catalogue of every key of the relay's configuration file. See `ConfigObjectSchema` for what it drives.
public enum RelayConfigurationSchema {
    /// The whole file.
    public static let root = ConfigObjectSchema(
        [
            ConfigField("kafka", .object(kafka), required: true, "Where to consume from: brokers, group, topics."),
            ConfigField(
                "twilio", .object(twilio), required: true, "Where to publish to: account, credentials, Sync service."),
            ConfigField(
                "defaults", .object(routeSettings(withDefaults: true)), default: .object([]),
                "Stream settings for every topic; a route overrides any of them for the topics it matches."
            ),
            ConfigField(
                "routes", .array(.object(route)), default: [],
                "Per-topic overrides, first match wins. A topic that no route matches uses `defaults`."
            ),
            ConfigField(
                "metrics", .object(metrics), default: .object([]), "The Prometheus metrics and health endpoint."),
            ConfigField("log", .object(log), default: .object([]), "Logging to standard output for journald."),
            ConfigField("shutdown", .object(shutdown), default: .object([]), "Graceful shutdown on SIGTERM."),
            ConfigField(
                "schemaRegistry", .object(schemaRegistry),
                "A Confluent-compatible Schema Registry, to decode Avro, JSON Schema and Protobuf values and keys (see *Decoded values*). Without it, values are carried as JSON, text or base64 by content."
            ),
        ],
        ignoredKeys: ["$schema"]
    )

    /// A route: the topic it matches plus any stream setting, overriding `defaults`.
    public static let route = ConfigObjectSchema(
        [
            ConfigField(
                "topic", .string(pattern: TopicSelector.pattern, meaning: TopicSelector.meaning), required: true,
                "The topic this route applies to: a topic name, or a regular expression starting with `^`."
            )
        ] + routeSettings(withDefaults: false).fields
    )
}
