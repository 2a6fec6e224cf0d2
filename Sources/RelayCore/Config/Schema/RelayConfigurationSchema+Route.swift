extension RelayConfigurationSchema {
    /// The stream settings of `defaults` (with defaults) and of each route (without: they inherit).
    /// A route's `snapshot` belongs to its topic: `defaults` have none.
    public static func routeSettings(withDefaults: Bool) -> ConfigObjectSchema {
        func field(_ key: String, _ kind: ConfigValueKind, _ value: JSONValue, _ summary: String) -> ConfigField {
            ConfigField(key, kind, default: withDefaults ? value : nil, summary)
        }
        var fields: [ConfigField] = [
            field(
                "stream", .string(minLength: 1, maxLength: 320), "{topic}",
                "Stream unique name template. Placeholders: `{topic}`, `{partition}`, and from the record `{key}`, `{header:NAME}`, `{value:/json/pointer}` (one stream per entity: a *keyed* route). Record values are escaped so that different values never share a stream (see *Stream names from the record*); two placeholders need a separator such as `-` between them."
            ),
            field(
                "unconfinedNames", .boolean, false,
                "Allows a keyed `stream` (and a snapshot `name`) that does not start with literal text, such as `{key}` or `{topic}-{key}`. Off by default: such a template lets whoever produces to the topic write into any stream (Document, Map) of the Sync service, including those other routes or applications own (see *Confined to a prefix*). Turn it on only for topics whose producers you trust with the whole service."
            ),
            ConfigField(
                "unroutable", .choice(of: UnroutablePolicy.self),
                "Keyed routes: a record whose name cannot be formed (no key, header missing or repeated with different values, value not JSON, field missing or not a scalar, name over 320 characters): `dead-letter` (the default when `kafka.deadLetterTopic` is set), `drop` (the default otherwise; counted by reason), or `fallback` to the stream `fallbackStream` names."
            ),
            ConfigField(
                "fallbackStream", .string(minLength: 1, maxLength: 320),
                "With `unroutable: fallback`: the stream unroutable records go to, a template with `{topic}` and `{partition}` only."
            ),
            field(
                "idleAfter", .duration(.seconds(1)...(.seconds(86_400))), "5m",
                "Keyed routes: a stream with nothing queued or in flight for this long releases its state (lane, pacer history, TTL refresh); it is rebuilt when its key returns, without a create request while the relay remembers the stream exists (`twilio.knownStreams`)."
            ),
            field(
                "maxActiveStreams", .integer(1...10_000_000, unit: "streams"), 100_000,
                "Keyed routes: the most streams of the route with state at once. A record for a new stream past it releases the longest-idle stream at once; when none is idle, its partition pauses until one is (`block`: no loss)."
            ),
            ConfigField(
                "value", .object(decoding(withDefaults: withDefaults, what: "value")),
                default: withDefaults ? .object([]) : nil, "How record values are read (see *Decoded values*)."),
            ConfigField(
                "key", .object(decoding(withDefaults: withDefaults, what: "key")),
                default: withDefaults ? .object([]) : nil,
                "How record keys are read; a decoded key is what `{key}`, `k` and filters see (a string as its text, other JSON as compact JSON text)."
            ),
            ConfigField(
                "undecodable", .choice(of: UndecodablePolicy.self),
                "A record whose value or key cannot be decoded (not in the wire format, unknown schema id, schema of another type or unusable, corrupt payload, not JSON or text as the format says): `dead-letter` (the default when `kafka.deadLetterTopic` is set; the detail is in the `sync-relay.detail` header) or `drop` (the default otherwise). Counted by reason either way. A registry that cannot be reached is not the record's fault: records wait."
            ),
            ConfigField(
                "select", .array(.string(minLength: 0)),
                "JSON pointers of the value members messages carry, in this order (e.g. `[\"/id\", \"/position/lat\"]`); the rest is left out. Applies to JSON values, decoded or not."
            ),
            ConfigField(
                "drop", .array(.string(minLength: 1)),
                "JSON pointers of value members to leave out of messages (after `select`)."),
            ConfigField(
                "filter", .string(minLength: 1),
                "Keep only records for which this predicate holds, e.g. `value(\"/status\") == \"open\" and not key ~ \"^test-\"` (see *Filters*). Others are done at once and counted."
            ),
            field(
                "ttl", .duration(.zero...(.seconds(31_536_000))), "0s",
                "Time to live the relay creates streams with; `0s` means never expire (Twilio's maximum is 365d)."
            ),
            field(
                "ttlRefresh", .boolean, true,
                "With a TTL, refresh it at most every TTL/2 while messages flow, so only idle streams expire."
            ),
            field(
                "rate", .integer(1...30, unit: "messages/s"), 30,
                "Messages per second per stream; Twilio's limit is 30. Relays of one group that feed the same stream share it in whole messages per second that add up to it (docs/operations.md, Scaling out)."
            ),
            field(
                "burst", .integer(0...29, unit: "messages"), 0,
                "Extra messages allowed in a short burst above `rate` (Twilio tolerates a small burst). 0 keeps every one-second window within `rate`."
            ),
            field(
                "inFlight", .integer(1...64, unit: "messages"), 8,
                "Publishes of one stream awaiting Twilio's answer at once (8 sustains 30/s at 250 ms round trips)."
            ),
            field(
                "maxMessageBytes", .integer(512...4096, unit: "bytes"), 4096,
                "Byte budget of one message's serialized `Data`; Twilio's limit is 4096 (512 leaves room for a chunk's framing)."
            ),
            field(
                "maxRecordsPerMessage", .integer(1...4096, unit: "records"), 1000,
                "Most records packed into one message."),
            field(
                "linger", .duration(.zero...(.seconds(10))), "0ms",
                "How long a message may wait to fill up when the stream has budget. 0 sends at once; under backlog messages are full anyway."
            ),
            ConfigField(
                "format", .object(messageFormat(withDefaults: withDefaults)), default: withDefaults ? .object([]) : nil,
                "Which record fields each message carries (see message-format.md)."
            ),
            field(
                "oversize", .choice(of: OversizePolicy.self), .string(OversizePolicy.split.rawValue),
                "A record that alone exceeds `maxMessageBytes`: split it into chunk messages (one needing more than 1,024 chunks is dead-lettered when `kafka.deadLetterTopic` is set, else dropped), drop it, or send it to `kafka.deadLetterTopic`."
            ),
            ConfigField(
                "overflow", .object(overflow(withDefaults: withDefaults)), default: withDefaults ? .object([]) : nil,
                "Bounds of the stream's queue and what happens when it is full."
            ),
            ConfigField(
                "retry", .object(retry(withDefaults: withDefaults)), default: withDefaults ? .object([]) : nil,
                "Backoff for failed publishes (and snapshot writes)."
            ),
        ]
        if !withDefaults { fields.append(snapshotField) }
        return ConfigObjectSchema(fields)
    }

    /// A route's settings laid over `defaults`, as the loader reads them: the defaults' keys and the route's own.
    static var mergedRouteSettings: ConfigObjectSchema {
        ConfigObjectSchema(routeSettings(withDefaults: true).fields + [snapshotField])
    }

    static let snapshotField = ConfigField(
        "snapshot", .object(snapshot()),
        "Keep each entity's latest value in a Sync Document or Map item beside the stream, for pages that open later (see *Snapshots*; decision 0012). Absent: no snapshot."
    )

    static func snapshot() -> ConfigObjectSchema {
        ConfigObjectSchema([
            ConfigField(
                "kind", .choice(of: SnapshotKind.self), required: true,
                "`document`: one Sync Document per entity, named by `name`; `map`: one item per entity, keyed by `key`, in the Sync Map `name` names (every item write counts against the whole Map's rate)."
            ),
            ConfigField(
                "name", .string(minLength: 1, maxLength: 320), required: true,
                "The Document's unique name template (one per entity: e.g. `vehicle-{key}`), or the Map's (e.g. `vehicles`, or `vehicles-{partition}` to shard one Map's budget); the placeholders and escaping of `stream`."
            ),
            ConfigField(
                "key", .string(minLength: 1, maxLength: 320),
                "Maps: the item key template (e.g. `{key}`, `{value:/id}`), at most 320 characters once rendered."
            ),
            ConfigField(
                "ttl", .duration(.zero...(.seconds(31_536_000))), default: "0s",
                "Time to live of a Document or Map item from its last write (`Ttl`, `ItemTtl`); `0s` means never expire. An entity that stops updating then disappears."
            ),
            ConfigField(
                "rate", .integer(1...ObjectPacer.twilioLimit, unit: "KiB/s"),
                default: .number(String(ObjectPacer.defaultRate)),
                "Each object's write budget per second, in KiB: a write costs its `Data`'s size, at least 1 KiB, so this is also the most writes per second of values up to 1 KiB. Twilio allows 20 writes/s per object, 2/s at 10 KiB; a Map's items share its budget. Relays that write one Map share it by owned partitions."
            ),
            ConfigField(
                "oversize", .choice(of: SnapshotOversizePolicy.self),
                "A value whose snapshot `Data` is over Twilio's 16 KiB: `dead-letter` (the default when `kafka.deadLetterTopic` is set) or `drop` (the default otherwise); counted either way, never cut."
            ),
            ConfigField(
                "stream", .boolean, default: true,
                "Whether the route also publishes its records to its stream; `false` makes a snapshot-only route."),
        ])
    }

    static func decoding(withDefaults: Bool, what: String) -> ConfigObjectSchema {
        ConfigObjectSchema([
            ConfigField(
                "format", .choice(of: ValueFormat.self),
                default: withDefaults ? .string(ValueFormat.auto.rawValue) : nil,
                "`auto`: the registry wire format (a 0 byte and a schema id) when `schemaRegistry` is set, decoded by the schema's type, else JSON, text or base64 by content. `avro`, `json-schema`, `protobuf`: the wire format is required. `json`, `text`: the \(what) must be JSON, or UTF-8 text\(what == "value" ? " (carried as a string)" : ""). `bytes`: \(what == "value" ? "always base64" : "any bytes (a key is carried as `k` when it is UTF-8, else as base64 `kb`)")."
            )
        ])
    }

    static func messageFormat(withDefaults: Bool) -> ConfigObjectSchema {
        let flags: [(String, String)] = [
            ("key", "the record key"), ("topic", "the source topic"), ("partition", "the partition"),
            ("offset", "the offset"),
            ("timestamp", "the record timestamp (ms since the epoch)"), ("headers", "the record headers"),
            ("id", "the record identity `i` (from topic, partition and offset, for dropping duplicates)"),
        ]
        return ConfigObjectSchema(
            flags.map { key, what in
                ConfigField(key, .boolean, default: withDefaults ? false : nil, "Carry \(what) with each record.")
            })
    }

    static func overflow(withDefaults: Bool) -> ConfigObjectSchema {
        func field(_ key: String, _ kind: ConfigValueKind, _ value: JSONValue, _ summary: String) -> ConfigField {
            ConfigField(key, kind, default: withDefaults ? value : nil, summary)
        }
        return ConfigObjectSchema([
            field(
                "policy", .choice(of: OverflowPolicy.self), .string(OverflowPolicy.block.rawValue),
                "When the queue is full: `block` pauses the partitions feeding the stream (no loss), `drop-oldest` keeps the freshest records, `drop-newest` keeps what is queued."
            ),
            field(
                "maxRecords", .integer(1...10_000_000, unit: "records"), 10_000, "Most records queued for the stream."),
            field(
                "maxBytes", .integer(4096...1_073_741_824, unit: "bytes"), 16_777_216,
                "Most record bytes queued for the stream (at least `maxMessageBytes`)."
            ),
            field(
                "maxAge", .duration(.zero...(.seconds(86_400))), "0s",
                "Drop a record that waited in the relay longer than this when its turn comes; `0s` keeps records however long they wait (see decision 0003)."
            ),
            field(
                "conflate", .boolean, false,
                "Keep only the newest queued record per key (records without a key are kept)."),
        ])
    }

    static func retry(withDefaults: Bool) -> ConfigObjectSchema {
        func field(_ key: String, _ kind: ConfigValueKind, _ value: JSONValue, _ summary: String) -> ConfigField {
            ConfigField(key, kind, default: withDefaults ? value : nil, summary)
        }
        return ConfigObjectSchema([
            field(
                "initialBackoff", .duration(.milliseconds(10)...(.seconds(60))), "250ms",
                "First backoff after a failure; doubles per attempt, with jitter."),
            field(
                "maxBackoff", .duration(.milliseconds(100)...(.seconds(600))), "30s",
                "Longest backoff between attempts."),
            field(
                "maxRetryAfter", .duration(.seconds(1)...(.seconds(3600))), "60s",
                "Longest wait honoured from a 429's `Retry-After`."
            ),
            field(
                "maxAttempts", .integer(0...1_000_000, unit: "attempts"), 0,
                "Attempts before a message is given up (dead-lettered or dropped, counted). 0 retries for ever: nothing is lost while Twilio is down."
            ),
            field(
                "authRetryInterval", .duration(.seconds(1)...(.seconds(600))), "30s",
                "After a 401/403, how often to try again (records are held; credentials may be rotated)."
            ),
        ])
    }
}
