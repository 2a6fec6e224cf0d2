/// The description of every configuration key: its type, range, default, meaning, and whether it is secret.
///
/// One catalogue drives four things, so they cannot drift apart: the checker that reports problems with JSON paths,
/// the typed reader that applies defaults, the generated JSON Schema (`docs/config.schema.json`) and the generated
/// key reference in `docs/configuration.md`.
public struct ConfigObjectSchema: Sendable {
    /// The object's keys, in documentation order.
    public let fields: [ConfigField]
    /// Members accepted and ignored (e.g. `$schema`, which editors use to find the schema).
    public let ignoredKeys: Set<String>

    /// Creates an object description.
    public init(_ fields: [ConfigField], ignoredKeys: Set<String> = []) {
        self.fields = fields
        self.ignoredKeys = ignoredKeys
    }

    /// The field named `key`.
    public func field(_ key: String) -> ConfigField? { fields.first { $0.key == key } }
}

/// One key of a configuration object.
public struct ConfigField: Sendable {
    /// The member name.
    public let key: String
    /// What values it takes.
    public let kind: ConfigValueKind
    /// The value used when the key is absent; nil when there is none (then the key is required or optional).
    public let defaultValue: JSONValue?
    /// Whether the key must be present.
    public let isRequired: Bool
    /// Whether the value is a secret: it is never printed, logged, or quoted in a problem.
    public let isSecret: Bool
    /// What the key means, one or two sentences for the reference.
    public let summary: String

    /// Creates a field.
    public init(
        _ key: String, _ kind: ConfigValueKind, default defaultValue: JSONValue? = nil, required: Bool = false,
        secret: Bool = false, _ summary: String
    ) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = required
        self.isSecret = secret
        self.summary = summary
    }
}

/// The values a configuration key accepts.
public indirect enum ConfigValueKind: Sendable {
    /// A string, optionally restricted by a regular expression (written so that both Swift's `Regex` and JSON
    /// Schema's ECMA-262 dialect read it the same way) with a plain-English description of what it means.
    case string(pattern: String? = nil, meaning: String? = nil, minLength: Int = 0, maxLength: Int? = nil)
    /// A whole number within a range.
    case integer(ClosedRange<Int>, unit: String? = nil)
    /// true or false.
    case boolean
    /// One of a fixed set of strings.
    case choice([String])
    /// A duration written as a whole number and a unit (`ms`, `s`, `m`, `h`, `d`), within a range.
    case duration(ClosedRange<Duration>)
    /// A nested object.
    case object(ConfigObjectSchema)
    /// An array of values of one kind.
    case array(ConfigValueKind, minItems: Int = 0)
    /// An object of free-form keys whose values are strings (for librdkafka's properties).
    case stringMap

    /// The type's name in messages and docs.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .boolean: "boolean"
        case .choice: "string"
        case .duration: "duration"
        case .object: "object"
        case .array(let element, _): "array of \(element.typeName)"
        case .stringMap: "object of strings"
        }
    }
}

extension ConfigValueKind {
    /// One of `Choice`'s raw values: the schema, the reader and the model share the one enum, so a value the
    /// schema accepts always reads as a case.
    public static func choice<Choice: RawRepresentable & CaseIterable>(of _: Choice.Type) -> ConfigValueKind
    where Choice.RawValue == String {
        .choice(Choice.allCases.map(\.rawValue))
    }
}
