/// How a route reads a record's value or key (`value.format`, `key.format`).
public enum ValueFormat: String, Sendable, Hashable, CaseIterable {
    /// Schema Registry wire format when the bytes start with its magic byte and a registry is configured, decoded by
    /// the schema's type; otherwise JSON, text or bytes by content (as without decoding).
    case auto
    /// Avro in the registry wire format, decoded to JSON.
    case avro
    /// JSON Schema in the registry wire format: the prefix stripped, the JSON embedded.
    case jsonSchema = "json-schema"
    /// Protobuf in the registry wire format: carried as base64 with its schema id and message indexes.
    case protobuf
    /// JSON text, embedded as is; anything else is undecodable.
    case json
    /// UTF-8 text, carried as a string even when it is valid JSON; anything else is undecodable.
    case text
    /// Any bytes, carried as base64.
    case bytes

    /// Whether the format needs a Schema Registry.
    public var needsRegistry: Bool { self == .avro || self == .jsonSchema || self == .protobuf }
}

/// What a route does with a record whose value or key cannot be decoded (`undecodable`).
public enum UndecodablePolicy: String, Sendable, Hashable, CaseIterable {
    /// Write it unchanged to `kafka.deadLetterTopic`, with reason `undecodable` and the detail; done once written.
    case deadLetter = "dead-letter"
    /// Drop it, counted by reason; its offset is done.
    case drop
}

/// Why a value or key cannot be decoded: the `reason` label of `sync_relay_records_undecodable_total` and the
/// dead letter's `sync-relay.detail` header.
public enum UndecodableReason: String, Sendable, Hashable, CaseIterable {
    /// The route's format is a registry format but the bytes do not start with the magic byte 0 and an id.
    case notWireFormat = "not-wire-format"
    /// The registry has no schema with the record's id (404).
    case unknownSchema = "unknown-schema"
    /// The schema's type is not the route's format (an Avro route met a JSON Schema id).
    case wrongSchemaType = "wrong-schema-type"
    /// The registry's schema cannot be used by the relay's decoder (invalid, or a feature it does not support).
    case unsupportedSchema = "unsupported-schema"
    /// The payload does not decode with its schema (cut off, bad lengths, invalid UTF-8, trailing bytes).
    case corruptPayload = "corrupt-payload"
    /// The route's format is `json` (or the schema is JSON Schema) and the bytes are not JSON.
    case notJSON = "not-json"
    /// The route's format is `text` and the bytes are not UTF-8.
    case notText = "not-text"
}
