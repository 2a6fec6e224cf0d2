/// Generates the JSON Schema (draft 2020-12) of the configuration file from `RelayConfigurationSchema`, so editors
/// can validate and complete it. The committed `docs/config.schema.json` is this output (a test keeps them equal).
///
/// Strings that take `${VAR}` substitution also accept a reference in place of their pattern, so a file using
/// environment variables still validates in an editor.
public enum ConfigurationJSONSchema {
    /// The schema document.
    public static func document() -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("$schema", "https://json-schema.org/draft/2020-12/schema"),
            JSONMember("title", "sync-relay configuration"),
            JSONMember(
                "description",
                "Configuration of sync-relay, which relays Kafka topics to Twilio Sync Streams. See docs/configuration.md."
            ),
        ]
        members += object(RelayConfigurationSchema.root).members ?? []
        return .object(members)
    }

    /// A string matching one `${NAME}` or `${NAME:-default}` reference somewhere in it.
    static let substitutionPattern = "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}"

    private static func object(_ schema: ConfigObjectSchema) -> JSONValue {
        var properties: [JSONMember] = schema.ignoredKeys.sorted().map {
            JSONMember(
                $0,
                .object([
                    JSONMember("type", "string"),
                    JSONMember("description", "Ignored by the relay; editors use it to find this schema."),
                ]))
        }
        for field in schema.fields {
            var members = kind(field.kind).members ?? []
            members.insert(JSONMember("description", .string(field.summary)), at: 0)
            if let value = field.defaultValue { members.append(JSONMember("default", value)) }
            properties.append(JSONMember(field.key, .object(members)))
        }
        var members: [JSONMember] = [
            JSONMember("type", "object"),
            JSONMember("additionalProperties", false),
        ]
        let required = schema.fields.filter(\.isRequired).map { JSONValue.string($0.key) }
        if !required.isEmpty { members.append(JSONMember("required", .array(required))) }
        members.append(JSONMember("properties", .object(properties)))
        return .object(members)
    }

    private static func kind(_ kind: ConfigValueKind) -> JSONValue {
        switch kind {
        case .string(let pattern, _, let minLength, let maxLength):
            var members: [JSONMember] = [JSONMember("type", "string")]
            if minLength > 0 { members.append(JSONMember("minLength", .number(String(minLength)))) }
            if let maxLength { members.append(JSONMember("maxLength", .number(String(maxLength)))) }
            if let pattern { members.append(substitutable(pattern: pattern)) }
            return .object(members)
        case .integer(let range, _):
            return .object([
                JSONMember("type", "integer"),
                JSONMember("minimum", .number(String(range.lowerBound))),
                JSONMember("maximum", .number(String(range.upperBound))),
            ])
        case .boolean:
            return .object([JSONMember("type", "boolean")])
        case .choice(let choices):
            return .object([
                JSONMember("type", "string"),
                JSONMember(
                    "anyOf",
                    .array([
                        .object([JSONMember("enum", .array(choices.map(JSONValue.string)))]),
                        .object([JSONMember("pattern", .string(substitutionPattern))]),
                    ])),
            ])
        case .duration(let range):
            return .object([
                JSONMember("type", "string"),
                substitutable(pattern: DurationText.pattern),
                JSONMember(
                    "$comment",
                    .string("from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))")
                ),
            ])
        case .object(let schema):
            return object(schema)
        case .array(let element, let minItems):
            var members: [JSONMember] = [JSONMember("type", "array"), JSONMember("items", self.kind(element))]
            if minItems > 0 { members.append(JSONMember("minItems", .number(String(minItems)))) }
            return .object(members)
        case .stringMap:
            return .object([
                JSONMember("type", "object"),
                JSONMember("propertyNames", .object([JSONMember("minLength", 1)])),
                JSONMember("additionalProperties", .object([JSONMember("type", "string")])),
            ])
        }
    }

    private static func substitutable(pattern: String) -> JSONMember {
        JSONMember(
            "anyOf",
            .array([
                .object([JSONMember("pattern", .string(pattern))]),
                .object([JSONMember("pattern", .string(substitutionPattern))]),
            ]))
    }
}
