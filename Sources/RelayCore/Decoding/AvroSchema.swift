/// An Avro schema parsed from its JSON text (a Schema Registry's `schema` string), ready for `AvroDecoder`.
///
/// Named types (records, enums, fixed) live in `named` and are referred to by index, so recursive types (a record
/// whose field refers to itself) need no cycles. Schemas that other subjects define (registry references) are
/// parsed first into the same name table. See docs/decisions/0008-avro-decoder-in-swift.md.
public struct AvroSchema: Sendable {
    /// One node of the schema.
    public indirect enum Node: Sendable, Hashable {
        case null, boolean, int, long, float, double, bytes, string
        case array(Node)
        case map(Node)
        case union([Node])
        /// A record, enum or fixed: its index in `named`.
        case named(Int)
        /// A logical type over its underlying type (an unknown logical type is ignored, as the Avro spec says).
        case logical(AvroLogicalType, Node)
    }

    /// A named type's definition.
    public enum Named: Sendable, Hashable {
        case record(name: String, fields: [Field])
        case enumeration(name: String, symbols: [String])
        case fixed(name: String, size: Int)
    }

    /// A record field: its name and type.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: Node
    }

    /// The top-level type.
    public let root: Node
    /// Every named type, by index.
    public let named: [Named]

    /// Why a schema cannot be used, in plain English.
    public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The deepest nesting of schema JSON (records within arrays within unions...) the parser follows.
    static let maximumDepth = 128

    /// Parses `text`, after the schemas it references (`references`, dependencies first), or throws why not.
    public init(_ text: String, references: [String] = []) throws(SchemaError) {
        var parser = Parser()
        for reference in references {
            _ = try parser.parse(try Self.json(reference), namespace: nil, depth: 0)
        }
        root = try parser.parse(try Self.json(text), namespace: nil, depth: 0)
        named = try parser.finished()
    }

    private static func json(_ text: String) throws(SchemaError) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw SchemaError("the Avro schema is not JSON: \(error)")
        }
    }

    /// Builds the name table while walking the schema JSON.
    private struct Parser {
        var named: [Named?] = []
        var indexByName: [String: Int] = [:]

        func finished() throws(SchemaError) -> [Named] {
            try named.map { (entry: Named?) throws(SchemaError) -> Named in
                guard let entry else { throw SchemaError("a named type is used inside its own definition's header") }
                return entry
            }
        }

        mutating func parse(_ json: JSONValue, namespace: String?, depth: Int) throws(SchemaError) -> Node {
            guard depth <= AvroSchema.maximumDepth else {
                throw SchemaError("the schema nests deeper than \(AvroSchema.maximumDepth) levels")
            }
            switch json {
            case .string(let name):
                return try reference(name, namespace: namespace)
            case .array(let branches):
                guard !branches.isEmpty else { throw SchemaError("a union has no branches") }
                var nodes: [Node] = []
                for branch in branches {
                    let node = try parse(branch, namespace: namespace, depth: depth + 1)
                    if case .union = node { throw SchemaError("a union directly inside a union") }
                    nodes.append(node)
                }
                return .union(nodes)
            case .object:
                return try parseObject(json, namespace: namespace, depth: depth)
            default:
                throw SchemaError("a type must be a name, an object or a union array, not \(json.typeName)")
            }
        }

        private mutating func reference(_ name: String, namespace: String?) throws(SchemaError) -> Node {
            switch name {
            case "null": return .null
            case "boolean": return .boolean
            case "int": return .int
            case "long": return .long
            case "float": return .float
            case "double": return .double
            case "bytes": return .bytes
            case "string": return .string
            default:
                let full = Self.fullName(name, namespace: namespace)
                if let index = indexByName[full] ?? indexByName[name] { return .named(index) }
                throw SchemaError("unknown type '\(name)' (not defined before use, nor in a reference)")
            }
        }

        private mutating func parseObject(_ json: JSONValue, namespace: String?, depth: Int) throws(SchemaError)
            -> Node
        {
            guard case .string(let type)? = json["type"] else {
                if let inner = json["type"] { return try parse(inner, namespace: namespace, depth: depth + 1) }
                throw SchemaError("a type object has no 'type'")
            }
            let base: Node
            switch type {
            case "record", "error":
                base = try record(json, namespace: namespace, depth: depth)
            case "enum":
                let (full, _) = try define(json, namespace: namespace)
                guard case .array(let values)? = json["symbols"] else {
                    throw SchemaError("enum '\(full)' has no 'symbols' array")
                }
                var symbols: [String] = []
                for value in values {
                    guard case .string(let symbol) = value else {
                        throw SchemaError("enum '\(full)' has a non-string symbol")
                    }
                    symbols.append(symbol)
                }
                guard !symbols.isEmpty else { throw SchemaError("enum '\(full)' has no symbols") }
                base = finish(full, .enumeration(name: full, symbols: symbols))
            case "fixed":
                let (full, _) = try define(json, namespace: namespace)
                guard case .number(let lexeme)? = json["size"], let size = Int(lexeme), size >= 0, size <= 1 << 20
                else {
                    throw SchemaError("fixed '\(full)' needs a 'size' from 0 to 1048576")
                }
                base = finish(full, .fixed(name: full, size: size))
            case "array":
                guard let items = json["items"] else { throw SchemaError("an array has no 'items'") }
                base = .array(try parse(items, namespace: namespace, depth: depth + 1))
            case "map":
                guard let values = json["values"] else { throw SchemaError("a map has no 'values'") }
                base = .map(try parse(values, namespace: namespace, depth: depth + 1))
            default:
                base = try reference(type, namespace: namespace)
            }
            guard case .string(let logical)? = json["logicalType"] else { return base }
            return AvroLogicalType.annotate(base, logical: logical, json: json, named: named) ?? base
        }

        private mutating func record(_ json: JSONValue, namespace: String?, depth: Int) throws(SchemaError) -> Node {
            let (full, space) = try define(json, namespace: namespace)
            guard case .array(let entries)? = json["fields"] else {
                throw SchemaError("record '\(full)' has no 'fields' array")
            }
            var fields: [Field] = []
            var seen = Set<String>()
            for entry in entries {
                guard case .string(let name)? = entry["name"], let type = entry["type"] else {
                    throw SchemaError("a field of record '\(full)' needs a 'name' and a 'type'")
                }
                guard seen.insert(name).inserted else {
                    throw SchemaError("record '\(full)' has two fields named '\(name)'")
                }
                fields.append(Field(name: name, type: try parse(type, namespace: space, depth: depth + 1)))
            }
            return finish(full, .record(name: full, fields: fields))
        }

        /// Registers a named type's name (before its body, so the body can refer to it) and returns its full name
        /// and the namespace its body's names resolve in.
        private mutating func define(_ json: JSONValue, namespace: String?) throws(SchemaError) -> (String, String?) {
            guard case .string(let name)? = json["name"], !name.isEmpty else {
                throw SchemaError("a named type has no 'name'")
            }
            var space = namespace
            if case .string(let declared)? = json["namespace"] { space = declared.isEmpty ? nil : declared }
            let full = Self.fullName(name, namespace: space)
            guard indexByName[full] == nil else { throw SchemaError("the type '\(full)' is defined twice") }
            indexByName[full] = named.count
            named.append(nil)
            let bodySpace = full.lastIndex(of: ".").map { String(full[..<$0]) }
            return (full, bodySpace)
        }

        private mutating func finish(_ full: String, _ definition: Named) -> Node {
            let index = indexByName[full]!
            named[index] = definition
            return .named(index)
        }

        static func fullName(_ name: String, namespace: String?) -> String {
            if name.contains(".") { return name }
            guard let namespace, !namespace.isEmpty else { return name }
            return "\(namespace).\(name)"
        }
    }
}

/// The Avro logical types the relay renders specially (docs/message-format.md, *Decoded values*).
public enum AvroLogicalType: Sendable, Hashable {
    /// An exact decimal (bytes or fixed, two's complement big-endian): rendered as a string such as "12.30".
    case decimal(scale: Int)
    /// A UUID (string, or fixed 16): a string.
    case uuid
    /// Days since 1970-01-01 (int): "2026-12-06".
    case date
    /// Milliseconds (int) or microseconds (long) after midnight: "13:45:10.250" / "13:45:10.250000".
    case timeMillis, timeMicros
    /// An instant (long) in milliseconds, microseconds or nanoseconds since the epoch, UTC: "…T13:45:10.250Z".
    case timestampMillis, timestampMicros, timestampNanos
    /// A wall-clock time with no zone: as the timestamps, without the `Z`.
    case localTimestampMillis, localTimestampMicros, localTimestampNanos
    /// Months, days and milliseconds (fixed 12): `{"months":…,"days":…,"milliseconds":…}`.
    case duration

    /// `base` annotated with `logical` when the pair is valid, else nil (the base type is used as is).
    static func annotate(_ base: AvroSchema.Node, logical: String, json: JSONValue, named: [AvroSchema.Named?])
        -> AvroSchema.Node?
    {
        var fixedSize: Int?
        if case .named(let index) = base, case .fixed(_, let size)? = named[index] { fixedSize = size }
        let type: AvroLogicalType?
        switch (logical, base) {
        case ("decimal", .bytes):
            type = decimal(json)
        case ("decimal", .named) where fixedSize != nil:
            type = decimal(json)
        case ("uuid", .string): type = .uuid
        case ("uuid", .named) where fixedSize == 16: type = .uuid
        case ("date", .int): type = .date
        case ("time-millis", .int): type = .timeMillis
        case ("time-micros", .long): type = .timeMicros
        case ("timestamp-millis", .long): type = .timestampMillis
        case ("timestamp-micros", .long): type = .timestampMicros
        case ("timestamp-nanos", .long): type = .timestampNanos
        case ("local-timestamp-millis", .long): type = .localTimestampMillis
        case ("local-timestamp-micros", .long): type = .localTimestampMicros
        case ("local-timestamp-nanos", .long): type = .localTimestampNanos
        case ("duration", .named) where fixedSize == 12: type = .duration
        default: type = nil
        }
        return type.map { .logical($0, base) }
    }

    private static func decimal(_ json: JSONValue) -> AvroLogicalType? {
        var scale = 0
        if case .number(let lexeme)? = json["scale"] {
            guard let value = Int(lexeme), value >= 0, value <= 1000 else { return nil }
            scale = value
        }
        guard case .number(let precision)? = json["precision"], let digits = Int(precision), digits > 0,
            scale <= digits
        else { return nil }
        return .decimal(scale: scale)
    }
}
