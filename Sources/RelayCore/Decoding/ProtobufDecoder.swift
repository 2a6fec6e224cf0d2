/// Decodes Protobuf messages (after the Confluent frame and message indexes) to the proto3 JSON mapping, as
/// `google.protobuf.json_format.MessageToDict` writes it:
///
/// - fields by their JSON names (`json_name`, else lowerCamelCase), in field-number order; fields absent from the
///   wire, and implicit-presence fields holding their default, are left out;
/// - 64-bit integers as decimal strings, 32-bit ones as numbers; floats as numbers, or `"NaN"`, `"Infinity"`,
///   `"-Infinity"`; bytes as base64; enums by value name (an unknown number as the number);
/// - repeated fields as arrays (packed or not), maps as objects with string keys;
/// - well-known types as their JSON forms: `Timestamp` (RFC 3339, UTC), `Duration` (`"1.5s"`), the wrappers, `Struct`,
///   `Value`, `ListValue`, `Empty`, `FieldMask`; `Any` as `{"@type": url, "value": base64}` (the relay cannot know
///   every packed type).
///
/// Unknown fields are skipped (a newer writer's). A singular field met twice keeps the last value. Corrupt input is
/// refused, never a crash: lengths are checked, nesting is bounded.
public struct ProtobufDecoder: Sendable {
    public let schema: ProtobufSchema

    public init(schema: ProtobufSchema) { self.schema = schema }

    /// The deepest message nesting decoded.
    public static let maximumDepth = 100

    typealias DecodingError = AvroDecoder.DecodingError

    /// Decodes `bytes[start...]` as the message the Confluent `indexes` name.
    public func decode(_ bytes: [UInt8], from start: Int, indexes: [Int]) throws(AvroDecoder.DecodingError)
        -> JSONValue
    {
        guard let message = schema.message(at: indexes) else {
            throw DecodingError("the message indexes \(indexes) name no message of the schema")
        }
        return try decodeMessage(bytes[start...], type: message.fullName, depth: 0)
    }

    private func decodeMessage(_ bytes: ArraySlice<UInt8>, type: String, depth: Int) throws(DecodingError)
        -> JSONValue
    {
        guard depth <= Self.maximumDepth else {
            throw DecodingError("messages nest deeper than \(Self.maximumDepth) levels")
        }
        if type.hasPrefix(".google.protobuf.") {
            if let known = try wellKnown(bytes, type: type, depth: depth) { return known }
        }
        guard let message = schema.messages[type] else { throw DecodingError("the schema has no message \(type)") }
        var singular: [Int: (value: JSONValue, isDefault: Bool)] = [:]
        var repeated: [Int: [JSONValue]] = [:]
        var mapEntries: [Int: [JSONMember]] = [:]
        var reader = ProtobufWire(bytes: bytes)
        while let (number, raw) = try reader.next() {
            guard let field = message.fields.first(where: { $0.number == number }) else { continue }
            if field.repeated {
                if field.type == 11, let entry = schema.messages[field.typeName], entry.isMapEntry {
                    guard case .bytes(let body) = raw else {
                        throw DecodingError("map field \(field.name) is not bytes")
                    }
                    mapEntries[number, default: []].append(try mapEntry(body[...], entry: entry, depth: depth))
                } else if case .bytes(let packed) = raw, Self.isPackable(field.type) {
                    var inner = ProtobufWire(bytes: packed[...])
                    while !inner.bytes.isEmpty {
                        let element = try Self.packedElement(&inner, type: field.type)
                        repeated[number, default: []].append(try scalar(field, element, depth: depth).value)
                    }
                } else {
                    repeated[number, default: []].append(try scalar(field, raw, depth: depth).value)
                }
            } else {
                singular[number] = try scalar(field, raw, depth: depth)
            }
        }
        var members: [JSONMember] = []
        for field in message.fields {
            if let entries = mapEntries[field.number] {
                var seen: [String: Int] = [:]
                var object: [JSONMember] = []
                for entry in entries {
                    if let index = seen[entry.key] {
                        object[index] = entry  // a later entry with the same key wins
                    } else {
                        seen[entry.key] = object.count
                        object.append(entry)
                    }
                }
                members.append(JSONMember(field.jsonName, .object(object)))
            } else if let values = repeated[field.number] {
                members.append(JSONMember(field.jsonName, .array(values)))
            } else if let value = singular[field.number], field.hasPresence || !value.isDefault {
                members.append(JSONMember(field.jsonName, value.value))
            }
        }
        return .object(members)
    }

    private func mapEntry(_ bytes: ArraySlice<UInt8>, entry: ProtobufSchema.Message, depth: Int) throws(DecodingError)
        -> JSONMember
    {
        guard let keyField = entry.fields.first(where: { $0.number == 1 }),
            let valueField = entry.fields.first(where: { $0.number == 2 })
        else { throw DecodingError("map entry \(entry.fullName) has no key or value field") }
        var key: JSONValue?
        var value: JSONValue?
        var reader = ProtobufWire(bytes: bytes)
        while let (number, raw) = try reader.next() {
            if number == 1 { key = try scalar(keyField, raw, depth: depth).value }
            if number == 2 { value = try scalar(valueField, raw, depth: depth).value }
        }
        let keyText: String
        switch key ?? defaultValue(keyField) {
        case .string(let text): keyText = text
        case .number(let lexeme): keyText = lexeme
        case .bool(let flag): keyText = flag ? "true" : "false"
        default: throw DecodingError("map entry \(entry.fullName) has a key that is not a scalar")
        }
        return JSONMember(keyText, value ?? defaultValue(valueField))
    }

    /// The JSON of a field's default value (a map entry whose value is absent).
    private func defaultValue(_ field: ProtobufSchema.Field) -> JSONValue {
        switch field.type {
        case 1, 2, 5, 7, 13, 15, 17: .number("0")
        case 3, 4, 6, 16, 18: .string("0")
        case 8: .bool(false)
        case 9, 12: .string("")
        case 14: schema.enums[field.typeName]?[0].map { .string($0) } ?? .number("0")
        default: .object([])
        }
    }

    /// One value of `field` from its wire form, and whether it is the type's default.
    private func scalar(_ field: ProtobufSchema.Field, _ raw: ProtobufWire.Value, depth: Int) throws(DecodingError)
        -> (value: JSONValue, isDefault: Bool)
    {
        switch (field.type, raw) {
        case (1, .fixed64(let bits)):
            return (JSONValue.floatingPoint(Double(bitPattern: bits)), bits == 0)
        case (2, .fixed32(let bits)):
            return (JSONValue.floatingPoint(Float(bitPattern: bits)), bits == 0)
        case (3, .varint(let raw)):
            return (.string(String(Int64(bitPattern: raw))), raw == 0)
        case (4, .varint(let raw)):
            return (.string(String(raw)), raw == 0)
        case (5, .varint(let raw)):
            return (.number(String(Int32(truncatingIfNeeded: raw))), raw == 0)
        case (6, .fixed64(let raw)):
            return (.string(String(raw)), raw == 0)
        case (7, .fixed32(let raw)):
            return (.number(String(raw)), raw == 0)
        case (8, .varint(let raw)):
            return (.bool(raw != 0), raw == 0)
        case (9, .bytes(let text)):
            guard UTF8Validator.isValid(text) else { throw DecodingError("field \(field.name) is not valid UTF-8") }
            return (.string(String(decoding: text, as: UTF8.self)), text.isEmpty)
        case (11, .bytes(let body)):
            return (try decodeMessage(body[...], type: field.typeName, depth: depth + 1), false)
        case (12, .bytes(let data)):
            return (.string(Self.base64(data)), data.isEmpty)
        case (13, .varint(let raw)):
            return (.number(String(UInt32(truncatingIfNeeded: raw))), raw == 0)
        case (14, .varint(let raw)):
            let number = Int(Int32(truncatingIfNeeded: raw))
            let name = schema.enums[field.typeName]?[number]
            return (name.map { .string($0) } ?? .number(String(number)), number == 0)
        case (15, .fixed32(let raw)):
            return (.number(String(Int32(bitPattern: raw))), raw == 0)
        case (16, .fixed64(let raw)):
            return (.string(String(Int64(bitPattern: raw))), raw == 0)
        case (17, .varint(let raw)):
            let narrow = UInt32(truncatingIfNeeded: raw)
            return (.number(String(ProtobufWire.zigZag(UInt64(narrow)))), raw == 0)
        case (18, .varint(let raw)):
            return (.string(String(ProtobufWire.zigZag(raw))), raw == 0)
        default:
            throw DecodingError("field \(field.name) (type \(field.type)) has the wrong wire type")
        }
    }

    /// Whether a repeated field of `type` may be packed (scalar numbers, bools, enums).
    private static func isPackable(_ type: Int) -> Bool { ![9, 10, 11, 12].contains(type) }

    /// One element of a packed repeated field.
    private static func packedElement(_ reader: inout ProtobufWire, type: Int) throws(DecodingError)
        -> ProtobufWire.Value
    {
        switch type {
        case 1, 6, 16: return .fixed64(try reader.fixed64())
        case 2, 7, 15: return .fixed32(try reader.fixed32())
        default:
            return .varint(try reader.varint())
        }
    }

    private static func base64(_ data: [UInt8]) -> String {
        data.withUnsafeBufferPointer { AvroText.base64($0) }
    }

    // MARK: Well-known types

    /// The JSON form of a well-known type, or nil when `type` is not one the relay knows by name.
    private func wellKnown(_ bytes: ArraySlice<UInt8>, type: String, depth: Int) throws(DecodingError) -> JSONValue? {
        let name = type.dropFirst(".google.protobuf.".count)
        var fields: [Int: ProtobufWire.Value] = [:]
        var repeated: [Int: [ProtobufWire.Value]] = [:]
        var reader = ProtobufWire(bytes: bytes)
        while let (number, raw) = try reader.next() {
            fields[number] = raw
            repeated[number, default: []].append(raw)
        }
        func varint(_ number: Int) -> UInt64 { if case .varint(let raw)? = fields[number] { raw } else { 0 } }
        func data(_ number: Int) -> [UInt8] { if case .bytes(let raw)? = fields[number] { raw } else { [] } }
        func text(_ number: Int) throws(DecodingError) -> String {
            let raw = data(number)
            guard UTF8Validator.isValid(raw) else { throw DecodingError("\(type) holds invalid UTF-8") }
            return String(decoding: raw, as: UTF8.self)
        }
        switch name {
        case "Timestamp":
            let seconds = Int64(bitPattern: varint(1))
            let nanos = Int64(Int32(truncatingIfNeeded: varint(2)))
            guard (0..<1_000_000_000).contains(nanos), (-62_135_596_800...253_402_300_799).contains(seconds) else {
                throw DecodingError("a Timestamp is out of range")
            }
            var days = seconds / 86_400
            var second = seconds % 86_400
            if second < 0 {
                second += 86_400
                days -= 1
            }
            let (year, month, day) = AvroText.civil(days: days)
            return .string(
                Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T" + Self.pad(second / 3600, 2)
                    + ":" + Self.pad(second / 60 % 60, 2) + ":" + Self.pad(second % 60, 2) + Self.fraction(nanos) + "Z")
        case "Duration":
            let seconds = Int64(bitPattern: varint(1))
            let nanos = Int64(Int32(truncatingIfNeeded: varint(2)))
            guard abs(nanos) < 1_000_000_000, (seconds >= 0) == (nanos >= 0) || seconds == 0 || nanos == 0 else {
                throw DecodingError("a Duration is malformed")
            }
            let negative = seconds < 0 || nanos < 0
            return .string((negative ? "-" : "") + String(seconds.magnitude) + Self.fraction(abs(nanos)) + "s")
        case "DoubleValue":
            if case .fixed64(let bits)? = fields[1] { return JSONValue.floatingPoint(Double(bitPattern: bits)) }
            return .number("0")
        case "FloatValue":
            if case .fixed32(let bits)? = fields[1] { return JSONValue.floatingPoint(Float(bitPattern: bits)) }
            return .number("0")
        case "Int64Value": return .string(String(Int64(bitPattern: varint(1))))
        case "UInt64Value": return .string(String(varint(1)))
        case "Int32Value": return .number(String(Int32(truncatingIfNeeded: varint(1))))
        case "UInt32Value": return .number(String(UInt32(truncatingIfNeeded: varint(1))))
        case "BoolValue": return .bool(varint(1) != 0)
        case "StringValue": return .string(try text(1))
        case "BytesValue": return .string(Self.base64(data(1)))
        case "Empty": return .object([])
        case "FieldMask":
            var paths: [String] = []
            for raw in repeated[1] ?? [] {
                guard case .bytes(let path) = raw, UTF8Validator.isValid(path) else {
                    throw DecodingError("a FieldMask path is not text")
                }
                paths.append(ProtobufSchema.jsonName(String(decoding: path, as: UTF8.self)))
            }
            return .string(paths.joined(separator: ","))
        case "Any":
            return .object([
                JSONMember("@type", .string(try text(1))), JSONMember("value", .string(Self.base64(data(2)))),
            ])
        case "Struct":
            var members: [JSONMember] = []
            for raw in repeated[1] ?? [] {
                guard case .bytes(let entry) = raw else { throw DecodingError("a Struct entry is not bytes") }
                var key = ""
                var value = JSONValue.null
                var inner = ProtobufWire(bytes: entry[...])
                while let (number, field) = try inner.next() {
                    if number == 1, case .bytes(let raw) = field { key = String(decoding: raw, as: UTF8.self) }
                    if number == 2, case .bytes(let raw) = field {
                        value = try decodeMessage(raw[...], type: ".google.protobuf.Value", depth: depth + 1)
                    }
                }
                members.removeAll { $0.key == key }
                members.append(JSONMember(key, value))
            }
            return .object(members)
        case "ListValue":
            var elements: [JSONValue] = []
            for raw in repeated[1] ?? [] {
                guard case .bytes(let body) = raw else { throw DecodingError("a ListValue element is not bytes") }
                elements.append(try decodeMessage(body[...], type: ".google.protobuf.Value", depth: depth + 1))
            }
            return .array(elements)
        case "Value":
            // The oneof `kind`: the last one on the wire.
            guard let (number, raw) = try Self.last(bytes) else { return .null }
            switch (number, raw) {
            case (1, _): return .null
            case (2, .fixed64(let bits)): return JSONValue.floatingPoint(Double(bitPattern: bits))
            case (3, .bytes(let text)):
                guard UTF8Validator.isValid(text) else { throw DecodingError("a Value string is not UTF-8") }
                return .string(String(decoding: text, as: UTF8.self))
            case (4, .varint(let flag)): return .bool(flag != 0)
            case (5, .bytes(let body)):
                return try decodeMessage(body[...], type: ".google.protobuf.Struct", depth: depth + 1)
            case (6, .bytes(let body)):
                return try decodeMessage(body[...], type: ".google.protobuf.ListValue", depth: depth + 1)
            default: throw DecodingError("a Value has field \(number) of the wrong wire type")
            }
        default:
            return nil
        }
    }

    private static func last(_ bytes: ArraySlice<UInt8>) throws(DecodingError) -> (Int, ProtobufWire.Value)? {
        var reader = ProtobufWire(bytes: bytes)
        var last: (Int, ProtobufWire.Value)?
        while let field = try reader.next() { last = field }
        return last
    }

    /// `.fff`, `.ffffff` or `.fffffffff` as the nanoseconds need, or nothing for none (as the JSON mapping writes).
    private static func fraction(_ nanos: Int64) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(nanos / 1_000_000, 3) }
        if nanos % 1000 == 0 { return "." + pad(nanos / 1000, 6) }
        return "." + pad(nanos, 9)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
