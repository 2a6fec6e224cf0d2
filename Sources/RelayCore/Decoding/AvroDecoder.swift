/// Decodes Avro binary data written with an `AvroSchema` (the writer's schema: no resolution is needed, the
/// registry id names the exact schema) into a JSON document. The mapping (docs/message-format.md, *Decoded values*):
///
/// - null, boolean, int, long, string: themselves; float and double as the shortest text that reads back the same
///   value, with `"NaN"`, `"Infinity"` and `"-Infinity"` as strings (JSON has no such numbers);
/// - bytes and fixed: base64 strings; enum: its symbol; array, map and record: array and objects (record fields in
///   schema order);
/// - a union: the branch's value itself, unwrapped (no `{"type": value}` wrapper);
/// - logical types as `AvroLogicalType` says.
///
/// Every length and count is checked against the bytes left, nesting is bounded and the number of decoded
/// elements is bounded by the payload's size, so corrupt input is refused (`DecodingError`), never a crash or a hang.
public struct AvroDecoder: Sendable {
    /// The schema the data was written with.
    public let schema: AvroSchema

    /// The deepest nesting of values (a recursive schema's depth) decoded.
    public static let maximumDepth = 200

    public init(schema: AvroSchema) { self.schema = schema }

    /// Decodes `bytes[start...]`, which must hold exactly one value, into a document (for filters, `select` and
    /// `{value:…}` names).
    public func decode(_ bytes: [UInt8], from start: Int = 0) throws(DecodingError) -> JSONValue {
        var tree = JSONTreeSink()
        try decode(bytes, from: start, into: &tree)
        return tree.result
    }

    /// Decodes `bytes[start...]` straight to compact JSON text, the same text `decode(_:from:).compactBytes` gives,
    /// without building the document: what a route that neither filters nor shapes carries.
    public func decodeText(_ bytes: [UInt8], from start: Int = 0) throws(DecodingError) -> [UInt8] {
        var text = JSONTextSink()
        text.output.reserveCapacity((bytes.count - start) * 2 + 16)
        try decode(bytes, from: start, into: &text)
        return text.output
    }

    private func decode<Sink: JSONSink>(_ bytes: [UInt8], from start: Int, into sink: inout Sink)
        throws(DecodingError)
    {
        try bytes.withUnsafeBufferPointer { (buffer) throws(DecodingError) in
            var reader = Reader(bytes: buffer, position: start, named: schema.named)
            reader.budget = 16 * (buffer.count - start) + 4096
            try reader.value(schema.root, depth: 0, into: &sink)
            guard reader.position == buffer.count else {
                throw DecodingError("\(buffer.count - reader.position) bytes left after the value")
            }
        }
    }

    /// Why a payload cannot be decoded.
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        let named: [AvroSchema.Named]
        /// Elements (array items, map entries) still allowed: bounds the work on corrupt counts of empty items.
        var budget = 0

        init(bytes: UnsafeBufferPointer<UInt8>, position: Int, named: [AvroSchema.Named]) {
            self.bytes = bytes
            self.position = position
            self.named = named
        }

        mutating func value<Sink: JSONSink>(_ node: AvroSchema.Node, depth: Int, into sink: inout Sink)
            throws(DecodingError)
        {
            guard depth <= AvroDecoder.maximumDepth else {
                throw DecodingError("values nest deeper than \(AvroDecoder.maximumDepth) levels")
            }
            switch node {
            case .null: sink.null()
            case .boolean:
                let byte = try take(1)[0]
                guard byte <= 1 else { throw DecodingError("a boolean byte is \(byte), not 0 or 1") }
                sink.bool(byte == 1)
            case .int:
                sink.integer(Int64(try int()))
            case .long:
                sink.integer(try long())
            case .float:
                let raw = try take(4)
                let bits = UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24
                sink.scalar(.floatingPoint(Float(bitPattern: bits)))
            case .double:
                let raw = try take(8)
                var bits: UInt64 = 0
                for index in (0..<8).reversed() { bits = bits << 8 | UInt64(raw[index]) }
                sink.scalar(.floatingPoint(Double(bitPattern: bits)))
            case .bytes:
                sink.base64(try take(try length()))
            case .string:
                sink.text(try utf8())
            case .array(let items):
                sink.beginArray()
                try blocks { (reader: inout Reader) throws(DecodingError) in
                    sink.element()
                    try reader.value(items, depth: depth + 1, into: &sink)
                }
                sink.endArray()
            case .map(let values):
                sink.beginObject()
                try blocks { (reader: inout Reader) throws(DecodingError) in
                    sink.key(try reader.utf8())
                    try reader.value(values, depth: depth + 1, into: &sink)
                }
                sink.endObject()
            case .union(let branches):
                let index = try long()
                guard index >= 0, index < branches.count else {
                    throw DecodingError("union branch \(index) of \(branches.count)")
                }
                try value(branches[Int(index)], depth: depth + 1, into: &sink)
            case .named(let index):
                switch named[index] {
                case .record(_, let fields):
                    sink.beginObject()
                    for field in fields {
                        sink.key(field.name)
                        try value(field.type, depth: depth + 1, into: &sink)
                    }
                    sink.endObject()
                case .enumeration(let name, let symbols):
                    let ordinal = try int()
                    guard ordinal >= 0, ordinal < symbols.count else {
                        throw DecodingError("enum \(name) has no symbol \(ordinal)")
                    }
                    sink.scalar(.string(symbols[Int(ordinal)]))
                case .fixed(_, let size):
                    sink.base64(try take(size))
                }
            case .logical(let logical, let base):
                sink.scalar(try self.logical(logical, base: base))
            }
        }

        private mutating func logical(_ type: AvroLogicalType, base: AvroSchema.Node) throws(DecodingError)
            -> JSONValue
        {
            switch type {
            case .decimal(let scale):
                let raw: UnsafeBufferPointer<UInt8>
                if case .named(let index) = base, case .fixed(_, let size) = named[index] {
                    raw = try take(size)
                } else {
                    raw = try take(try length())
                }
                guard raw.count <= 128 else {
                    throw DecodingError(
                        "a decimal of \(raw.count) bytes is longer than any precision the relay renders")
                }
                return .string(AvroText.decimal(raw, scale: scale))
            case .uuid:
                if case .string = base { return .string(String(decoding: try utf8(), as: UTF8.self)) }
                return .string(AvroText.uuid(try take(16)))
            case .date:
                return .string(AvroText.date(days: Int64(try int())))
            case .timeMillis:
                let value = try int()
                return AvroText.time(Int64(value), unitsPerSecond: 1000, digits: 3)
            case .timeMicros:
                return AvroText.time(try long(), unitsPerSecond: 1_000_000, digits: 6)
            case .timestampMillis, .localTimestampMillis:
                return AvroText.timestamp(try long(), unitsPerSecond: 1000, digits: 3, utc: type == .timestampMillis)
            case .timestampMicros, .localTimestampMicros:
                return AvroText.timestamp(
                    try long(), unitsPerSecond: 1_000_000, digits: 6, utc: type == .timestampMicros)
            case .timestampNanos, .localTimestampNanos:
                return AvroText.timestamp(
                    try long(), unitsPerSecond: 1_000_000_000, digits: 9, utc: type == .timestampNanos)
            case .duration:
                let raw = try take(12)
                func word(_ offset: Int) -> JSONValue {
                    let value =
                        UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16
                        | UInt32(raw[offset + 3]) << 24
                    return .number(String(value))
                }
                return .object([
                    JSONMember("months", word(0)), JSONMember("days", word(4)), JSONMember("milliseconds", word(8)),
                ])
            }
        }

        /// Reads array or map blocks: a count, negative when followed by the block's byte size, until 0.
        private mutating func blocks(_ item: (inout Reader) throws(DecodingError) -> Void) throws(DecodingError) {
            while true {
                var count = try long()
                if count == 0 { return }
                if count < 0 {
                    guard count != Int64.min else { throw DecodingError("a block count is out of range") }
                    count = -count
                    _ = try long()  // the block's size in bytes, not needed to decode it
                }
                guard count <= budget else {
                    throw DecodingError("a block claims \(count) items, more than its bytes can hold")
                }
                budget -= Int(count)
                for _ in 0..<count { try item(&self) }
            }
        }

        private mutating func take(_ count: Int) throws(DecodingError) -> UnsafeBufferPointer<UInt8> {
            guard count >= 0, count <= bytes.count - position else {
                throw DecodingError("needs \(count) bytes at offset \(position), has \(bytes.count - position)")
            }
            defer { position += count }
            return UnsafeBufferPointer(rebasing: bytes[position..<position + count])
        }

        private mutating func length() throws(DecodingError) -> Int {
            let value = try long()
            guard value >= 0, value <= Int64(bytes.count - position) else {
                throw DecodingError("a length of \(value) at offset \(position) exceeds the bytes left")
            }
            return Int(value)
        }

        /// A string's bytes, checked to be UTF-8.
        private mutating func utf8() throws(DecodingError) -> UnsafeBufferPointer<UInt8> {
            let raw = try take(try length())
            guard UTF8Validator.isValid(raw) else { throw DecodingError("a string is not valid UTF-8") }
            return raw
        }

        private mutating func int() throws(DecodingError) -> Int32 {
            let value = try long()
            guard let narrow = Int32(exactly: value) else { throw DecodingError("an int is out of range: \(value)") }
            return narrow
        }

        /// A zig-zag variable-length long (at most 10 bytes).
        private mutating func long() throws(DecodingError) -> Int64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count else { throw DecodingError("a number is cut off at offset \(position)") }
                let byte = bytes[position]
                position += 1
                guard shift < 63 || (shift == 63 && byte & 0xFE == 0) else {
                    throw DecodingError("a variable-length number is longer than 10 bytes")
                }
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            return ProtobufWire.zigZag(result)
        }

    }
}
