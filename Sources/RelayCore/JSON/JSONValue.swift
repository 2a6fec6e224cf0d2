/// A parsed JSON document, kept close to its text: numbers keep their lexeme (so `30` and `30.0` differ and
/// integers never pass through floating point) and objects keep their members in order, duplicates included, so
/// the configuration loader can reject duplicate keys with a path.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as written, e.g. `"30"`, `"-1.5e3"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([JSONMember])

    /// The JSON type's name as the JSON Schema vocabulary spells it, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let lexeme): Int(lexeme) == nil ? "number" : "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The members of an object, or nil.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of the first member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        members?.first { $0.key == key }?.value
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    /// The member's name.
    public var key: String
    /// The member's value.
    public var value: JSONValue

    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
