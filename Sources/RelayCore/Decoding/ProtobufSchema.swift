/// A Protobuf schema as a registry serves it serialized (`?format=serialized`: a base64 `FileDescriptorProto`, with
/// the files it imports as references): its messages by full name, ready for `ProtobufDecoder`. The descriptor is
/// itself Protobuf, read with `ProtobufWire`; only what decoding needs is kept (messages, fields, enums, map entries,
/// oneofs, the file's syntax). Well-known types (`google.protobuf.Timestamp`, wrappers, `Struct`...) are known by
/// name and need no descriptor.
public struct ProtobufSchema: Sendable {
    /// A field of a message.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var jsonName: String
        public var number: Int
        /// `FieldDescriptorProto.Type` (1 double ... 18 sint64).
        public var type: Int
        public var repeated: Bool
        /// The message or enum type's full name, with its leading dot.
        public var typeName: String
        /// Whether the field tracks presence (proto2, proto3 `optional`, a oneof member, a message): a default value
        /// on the wire is then still shown.
        public var hasPresence: Bool
    }

    /// A message type.
    public struct Message: Sendable, Hashable {
        public var fullName: String
        /// Fields in number order (the JSON mapping's order).
        public var fields: [Field]
        public var isMapEntry: Bool
        /// Nested messages' full names, by index (what the Confluent message indexes walk).
        public var nested: [String]
    }

    /// Messages by full name (leading dot).
    public let messages: [String: Message]
    /// Enums by full name: value names by number.
    public let enums: [String: [Int: String]]
    /// The top-level messages of the main file, by index.
    public let topLevel: [String]

    /// Parses `descriptor` (a serialized `FileDescriptorProto`) after the files it imports (`dependencies`).
    public init(descriptor: [UInt8], dependencies: [[UInt8]] = []) throws(AvroSchema.SchemaError) {
        var parser = DescriptorParser()
        for dependency in dependencies { _ = try parser.file(dependency) }
        topLevel = try parser.file(descriptor)
        messages = parser.messages
        enums = parser.enums
    }

    /// The message the Confluent message indexes name: the `first`-th top-level message, then nested ones.
    public func message(at indexes: [Int]) -> Message? {
        guard let first = indexes.first, first >= 0, first < topLevel.count else { return nil }
        var message = messages[topLevel[first]]
        for index in indexes.dropFirst() {
            guard let current = message, index >= 0, index < current.nested.count else { return nil }
            message = messages[current.nested[index]]
        }
        return message
    }

    /// `name` as the JSON mapping writes it when the descriptor gives no `json_name`: underscores removed, the
    /// letter after each one upper-cased (protoc's `ToJsonName`).
    static func jsonName(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else if upper {
                result += character.uppercased()
                upper = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Reads `FileDescriptorProto`s (google/protobuf/descriptor.proto) into `ProtobufSchema`'s tables.
private struct DescriptorParser {
    var messages: [String: ProtobufSchema.Message] = [:]
    var enums: [String: [Int: String]] = [:]

    /// Reads one file; returns its top-level messages' full names.
    mutating func file(_ bytes: [UInt8]) throws(AvroSchema.SchemaError) -> [String] {
        var package = ""
        var syntax = "proto2"
        var messageBodies: [[UInt8]] = []
        var enumBodies: [[UInt8]] = []
        try fields(of: bytes) { (number, value) throws(AvroSchema.SchemaError) in
            switch (number, value) {
            case (2, .bytes(let text)): package = String(decoding: text, as: UTF8.self)
            case (4, .bytes(let body)): messageBodies.append(body)
            case (5, .bytes(let body)): enumBodies.append(body)
            case (12, .bytes(let text)): syntax = String(decoding: text, as: UTF8.self)
            default: break
            }
        }
        let scope = package.isEmpty ? "" : "." + package
        for body in enumBodies { try enumeration(body, scope: scope) }
        var names: [String] = []
        for body in messageBodies {
            names.append(try message(body, scope: scope, proto3: syntax == "proto3", depth: 0))
        }
        return names
    }

    private mutating func enumeration(_ bytes: [UInt8], scope: String) throws(AvroSchema.SchemaError) {
        var name = ""
        var values: [Int: String] = [:]
        try fields(of: bytes) { (number, value) throws(AvroSchema.SchemaError) in
            switch (number, value) {
            case (1, .bytes(let text)): name = String(decoding: text, as: UTF8.self)
            case (2, .bytes(let body)):
                var valueName = ""
                var valueNumber = 0
                try fields(of: body) { (number, value) throws(AvroSchema.SchemaError) in
                    switch (number, value) {
                    case (1, .bytes(let text)): valueName = String(decoding: text, as: UTF8.self)
                    case (2, .varint(let raw)): valueNumber = Int(Int32(truncatingIfNeeded: raw))
                    default: break
                    }
                }
                if values[valueNumber] == nil { values[valueNumber] = valueName }  // the first alias wins
            default: break
            }
        }
        enums["\(scope).\(name)"] = values
    }

    private mutating func message(_ bytes: [UInt8], scope: String, proto3: Bool, depth: Int)
        throws(AvroSchema.SchemaError) -> String
    {
        guard depth < 64 else { throw AvroSchema.SchemaError("Protobuf messages nest deeper than 64 levels") }
        var name = ""
        var fieldBodies: [[UInt8]] = []
        var nestedBodies: [[UInt8]] = []
        var enumBodies: [[UInt8]] = []
        var isMapEntry = false
        try fields(of: bytes) { (number, value) throws(AvroSchema.SchemaError) in
            switch (number, value) {
            case (1, .bytes(let text)): name = String(decoding: text, as: UTF8.self)
            case (2, .bytes(let body)): fieldBodies.append(body)
            case (3, .bytes(let body)): nestedBodies.append(body)
            case (4, .bytes(let body)): enumBodies.append(body)
            case (7, .bytes(let options)):
                try fields(of: options) { (number, value) throws(AvroSchema.SchemaError) in
                    if number == 7, case .varint(let flag) = value { isMapEntry = flag != 0 }
                }
            default: break
            }
        }
        let fullName = "\(scope).\(name)"
        for body in enumBodies { try enumeration(body, scope: fullName) }
        var nested: [String] = []
        for body in nestedBodies { nested.append(try message(body, scope: fullName, proto3: proto3, depth: depth + 1)) }
        var parsed: [ProtobufSchema.Field] = []
        for body in fieldBodies {
            var field = ProtobufSchema.Field(
                name: "", jsonName: "", number: 0, type: 0, repeated: false, typeName: "", hasPresence: !proto3)
            var oneof = false
            var optional = false
            try fields(of: body) { (number, value) throws(AvroSchema.SchemaError) in
                switch (number, value) {
                case (1, .bytes(let text)): field.name = String(decoding: text, as: UTF8.self)
                case (3, .varint(let raw)): field.number = Int(truncatingIfNeeded: raw)
                case (4, .varint(let raw)): field.repeated = raw == 3
                case (5, .varint(let raw)): field.type = Int(truncatingIfNeeded: raw)
                case (6, .bytes(let text)): field.typeName = String(decoding: text, as: UTF8.self)
                case (9, .varint): oneof = true
                case (10, .bytes(let text)): field.jsonName = String(decoding: text, as: UTF8.self)
                case (17, .varint(let raw)): optional = raw != 0
                default: break
                }
            }
            guard (1...18).contains(field.type), field.number > 0 else {
                throw AvroSchema.SchemaError("field '\(field.name)' of \(fullName) has type \(field.type)")
            }
            if field.jsonName.isEmpty { field.jsonName = ProtobufSchema.jsonName(field.name) }
            if oneof || optional || field.type == 11 { field.hasPresence = true }
            if !field.typeName.isEmpty, !field.typeName.hasPrefix(".") {
                field.typeName = "\(fullName).\(field.typeName)"
            }
            parsed.append(field)
        }
        parsed.sort { $0.number < $1.number }
        messages[fullName] = ProtobufSchema.Message(
            fullName: fullName, fields: parsed, isMapEntry: isMapEntry, nested: nested)
        return fullName
    }

    private func fields(of bytes: [UInt8], _ body: (Int, ProtobufWire.Value) throws(AvroSchema.SchemaError) -> Void)
        throws(AvroSchema.SchemaError)
    {
        var reader = ProtobufWire(bytes: bytes[...])
        do {
            while let (number, value) = try reader.next() { try body(number, value) }
        } catch let error as AvroSchema.SchemaError {
            throw error
        } catch {
            throw AvroSchema.SchemaError("the Protobuf descriptor is malformed: \(error)")
        }
    }
}

/// Reads Protobuf's wire format: a field number and wire type per key, then a varint, 8 or 4 bytes, or a length and
/// that many bytes. Groups (wire types 3 and 4, proto2's deprecated form) are refused.
struct ProtobufWire {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes([UInt8])
    }

    var bytes: ArraySlice<UInt8>

    /// The next field, or nil at the end.
    mutating func next() throws(AvroDecoder.DecodingError) -> (Int, Value)? {
        guard !bytes.isEmpty else { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0, number < 1 << 29 else { throw AvroDecoder.DecodingError("a field number is \(number)") }
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 1: return (number, .fixed64(try fixed64()))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.count) else {
                throw AvroDecoder.DecodingError("a length of \(length) exceeds the \(bytes.count) bytes left")
            }
            return (number, .bytes(Array(try take(Int(length)))))
        case 5: return (number, .fixed32(try fixed32()))
        default:
            throw AvroDecoder.DecodingError("wire type \(key & 7) (groups are not supported) at field \(number)")
        }
    }

    /// 8 bytes, little-endian.
    mutating func fixed64() throws(AvroDecoder.DecodingError) -> UInt64 {
        var value: UInt64 = 0
        for byte in try take(8).reversed() { value = value << 8 | UInt64(byte) }
        return value
    }

    /// 4 bytes, little-endian.
    mutating func fixed32() throws(AvroDecoder.DecodingError) -> UInt32 {
        var value: UInt32 = 0
        for byte in try take(4).reversed() { value = value << 8 | UInt32(byte) }
        return value
    }

    /// The signed value of a zig-zag encoded varint (Protobuf's sint32/sint64, Avro's int and long, Confluent's
    /// message indexes).
    static func zigZag(_ raw: UInt64) -> Int64 { Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }

    mutating func varint() throws(AvroDecoder.DecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first {
            bytes.removeFirst()
            guard shift < 63 || (shift == 63 && byte & 0xFE == 0) else {
                throw AvroDecoder.DecodingError("a varint is longer than 10 bytes")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw AvroDecoder.DecodingError("a varint is cut off")
    }

    private mutating func take(_ count: Int) throws(AvroDecoder.DecodingError) -> ArraySlice<UInt8> {
        guard count <= bytes.count else {
            throw AvroDecoder.DecodingError("needs \(count) bytes, has \(bytes.count)")
        }
        defer { bytes.removeFirst(count) }
        return bytes.prefix(count)
    }
}
