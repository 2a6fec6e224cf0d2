import RelayCore
import Testing

/// Random Avro schemas with random values (written by `AvroBinaryWriter`) decode to the JSON the mapping promises;
/// mutated payloads and schemas are decoded or refused, never a crash or a hang. The official serializers'
/// records are checked in RelaySyncTests (`SchemaRegistryDecodingTests`).
@Suite(.timeLimit(.minutes(2))) struct AvroDecoderFuzzTests {
    /// A random type: its schema JSON and a way to draw a value (bytes and the JSON the relay must render).
    indirect enum RandomType {
        case null, boolean, int, long, double, string, bytes
        case enumeration(String, [String])
        case fixed(String, Int)
        case array(RandomType)
        case map(RandomType)
        case union([RandomType])
        case record(String, [(String, RandomType)])
        case date, timestampMillis, decimal(scale: Int)

        var schema: String {
            switch self {
            case .null: #""null""#
            case .boolean: #""boolean""#
            case .int: #""int""#
            case .long: #""long""#
            case .double: #""double""#
            case .string: #""string""#
            case .bytes: #""bytes""#
            case .enumeration(let name, let symbols):
                #"{"type":"enum","name":"\#(name)","symbols":[\#(symbols.map { "\"\($0)\"" }.joined(separator: ","))]}"#
            case .fixed(let name, let size): #"{"type":"fixed","name":"\#(name)","size":\#(size)}"#
            case .array(let items): #"{"type":"array","items":\#(items.schema)}"#
            case .map(let values): #"{"type":"map","values":\#(values.schema)}"#
            case .union(let branches): "[" + branches.map(\.schema).joined(separator: ",") + "]"
            case .record(let name, let fields):
                #"{"type":"record","name":"\#(name)","fields":["#
                    + fields.map { #"{"name":"\#($0.0)","type":\#($0.1.schema)}"# }.joined(separator: ",") + "]}"
            case .date: #"{"type":"int","logicalType":"date"}"#
            case .timestampMillis: #"{"type":"long","logicalType":"timestamp-millis"}"#
            case .decimal(let scale): #"{"type":"bytes","logicalType":"decimal","precision":30,"scale":\#(scale)}"#
            }
        }
    }

    struct Builder {
        var rng: SeededGenerator
        var names = 0

        mutating func name() -> String {
            names += 1
            return "T\(names)"
        }

        mutating func type(depth: Int) -> RandomType {
            let leaf = depth >= 3 || Int.random(in: 0..<3, using: &rng) == 0
            if leaf {
                switch Int.random(in: 0..<12, using: &rng) {
                case 0: return .null
                case 1: return .boolean
                case 2: return .int
                case 3: return .long
                case 4: return .double
                case 5: return .string
                case 6: return .bytes
                case 7: return .enumeration(name(), (0..<Int.random(in: 1...4, using: &rng)).map { "S\($0)" })
                case 8: return .fixed(name(), Int.random(in: 0...6, using: &rng))
                case 9: return .date
                case 10: return .timestampMillis
                default: return .decimal(scale: Int.random(in: 0...4, using: &rng))
                }
            }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return .array(type(depth: depth + 1))
            case 1: return .map(type(depth: depth + 1))
            case 2:
                // Branches of distinct kinds (Avro forbids two of the same unnamed type).
                var branches: [RandomType] = [.null]
                let more = type(depth: depth + 1)
                if case .null = more {} else if case .union = more {} else { branches.append(more) }
                return .union(branches)
            default:
                let recordName = name()
                let count = Int.random(in: 0...4, using: &rng)
                return .record(recordName, (0..<count).map { ("f\($0)", type(depth: depth + 1)) })
            }
        }

        /// A value of `type`: its Avro bytes and the JSON the relay must render.
        mutating func value(_ type: RandomType) -> ([UInt8], JSONValue) {
            switch type {
            case .null: return ([], .null)
            case .boolean:
                let flag = Bool.random(using: &rng)
                return ([flag ? 1 : 0], .bool(flag))
            case .int:
                let value = Int64(Int32.random(in: .min ... .max, using: &rng))
                return (AvroBinaryWriter.long(value), .number(String(value)))
            case .long:
                let value = Int64.random(in: .min ... .max, using: &rng)
                return (AvroBinaryWriter.long(value), .number(String(value)))
            case .double:
                let value = Double.random(in: -1e12...1e12, using: &rng)
                return (AvroBinaryWriter.double(value), .number(value.description))
            case .string:
                let text = String(
                    (0..<Int.random(in: 0...8, using: &rng)).map { _ in "aé\"\\\n€😀z".randomElement(using: &rng)! })
                return (AvroBinaryWriter.string(text), .string(text))
            case .bytes:
                let data = (0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                var base64: [UInt8] = []
                Base64.append(encoding: data, to: &base64)
                return (AvroBinaryWriter.bytes(data), .string(String(decoding: base64, as: UTF8.self)))
            case .enumeration(_, let symbols):
                let index = Int.random(in: 0..<symbols.count, using: &rng)
                return (AvroBinaryWriter.long(Int64(index)), .string(symbols[index]))
            case .fixed(_, let size):
                let data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
                var base64: [UInt8] = []
                Base64.append(encoding: data, to: &base64)
                return (data, .string(String(decoding: base64, as: UTF8.self)))
            case .array(let items), .map(let items):
                var bytes: [UInt8] = []
                var elements: [JSONValue] = []
                var members: [JSONMember] = []
                let blocks = Int.random(in: 0...2, using: &rng)
                for _ in 0..<blocks {
                    let count = Int.random(in: 1...3, using: &rng)
                    var body: [UInt8] = []
                    for index in 0..<count {
                        let key = "k\(members.count)-\(index)"
                        if case .map = type { body += AvroBinaryWriter.string(key) }
                        let (itemBytes, json) = value(items)
                        body += itemBytes
                        elements.append(json)
                        members.append(JSONMember(key, json))
                    }
                    // Half the blocks use the negative count with the block's byte size.
                    if Bool.random(using: &rng) {
                        bytes += AvroBinaryWriter.long(Int64(count)) + body
                    } else {
                        bytes += AvroBinaryWriter.long(-Int64(count)) + AvroBinaryWriter.long(Int64(body.count)) + body
                    }
                }
                bytes += [0]
                if case .map = type { return (bytes, .object(members)) }
                return (bytes, .array(elements))
            case .union(let branches):
                let index = Int.random(in: 0..<branches.count, using: &rng)
                let (bytes, json) = value(branches[index])
                return (AvroBinaryWriter.long(Int64(index)) + bytes, json)
            case .record(_, let fields):
                var bytes: [UInt8] = []
                var members: [JSONMember] = []
                for (name, fieldType) in fields {
                    let (fieldBytes, json) = value(fieldType)
                    bytes += fieldBytes
                    members.append(JSONMember(name, json))
                }
                return (bytes, .object(members))
            case .date:
                let days = Int64.random(in: -719_162...2_932_896, using: &rng)  // 0001-01-01 ... 9999-12-31
                return (AvroBinaryWriter.long(days), .string(Self.isoDate(days: days)))
            case .timestampMillis:
                let millis = Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &rng)
                let days = Int64((Double(millis) / 86_400_000).rounded(.down))
                let rest = millis - days * 86_400_000
                let text =
                    Self.isoDate(days: days) + "T" + Self.pad(rest / 3_600_000, 2) + ":"
                    + Self.pad(rest / 60_000 % 60, 2)
                    + ":" + Self.pad(rest / 1000 % 60, 2) + "." + Self.pad(rest % 1000, 3) + "Z"
                return (AvroBinaryWriter.long(millis), .string(text))
            case .decimal(let scale):
                let unscaled = Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng)
                var digits = String(unscaled.magnitude)
                if scale > 0 {
                    if digits.count <= scale {
                        digits = String(repeating: "0", count: scale - digits.count + 1) + digits
                    }
                    digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
                }
                return (AvroBinaryWriter.decimal(unscaled: unscaled), .string(unscaled < 0 ? "-" + digits : digits))
            }
        }

        static func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }

        /// The proleptic Gregorian date of `days` since 1970-01-01, by walking years (independent of the relay's).
        static func isoDate(days: Int64) -> String {
            var year: Int64 = 1970
            var remaining = days
            func length(_ year: Int64) -> Int64 { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365 }
            while remaining < 0 {
                year -= 1
                remaining += length(year)
            }
            while remaining >= length(year) {
                remaining -= length(year)
                year += 1
            }
            var months: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            if length(year) == 366 { months[1] = 29 }
            var month = 0
            while remaining >= months[month] {
                remaining -= months[month]
                month += 1
            }
            return pad(year, 4) + "-" + pad(Int64(month + 1), 2) + "-" + pad(remaining + 1, 2)
        }
    }

    @Test(arguments: 0..<8) func randomSchemasAndValuesDecodeAsTheMappingSays(batch: Int) throws {
        for seed in UInt64(batch * 250)..<UInt64(batch * 250 + 250) {
            var builder = Builder(rng: SeededGenerator(seed: seed))
            let type = builder.type(depth: 0)
            let schema = try AvroSchema(type.schema)
            let decoder = AvroDecoder(schema: schema)
            for _ in 0..<4 {
                let (bytes, expected) = builder.value(type)
                let decoded = try decoder.decode(bytes)
                #expect(decoded == expected, "seed \(seed): \(type.schema)")
                // The compact text the message carries parses back to the same document, and decoding straight to
                // text gives exactly that text.
                #expect(try JSONParser.parse(decoded.compactBytes) == decoded)
                #expect(try decoder.decodeText(bytes) == decoded.compactBytes, "seed \(seed)")
            }
        }
    }

    @Test(arguments: 0..<8) func mutatedPayloadsAreDecodedOrRefused(batch: Int) throws {
        var outcomes = (decoded: 0, refused: 0)
        for seed in UInt64(batch * 250)..<UInt64(batch * 250 + 250) {
            var builder = Builder(rng: SeededGenerator(seed: seed))
            let type = builder.type(depth: 0)
            let decoder = AvroDecoder(schema: try AvroSchema(type.schema))
            let (valid, _) = builder.value(type)
            for _ in 0..<20 {
                var bytes = valid
                switch Int.random(in: 0..<5, using: &builder.rng) {
                case 0 where !bytes.isEmpty:
                    bytes[Int.random(in: 0..<bytes.count, using: &builder.rng)] = UInt8.random(
                        in: 0...255, using: &builder.rng)
                case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &builder.rng))
                case 2:
                    bytes.insert(
                        UInt8.random(in: 0...255, using: &builder.rng),
                        at: Int.random(in: 0...bytes.count, using: &builder.rng))
                case 3: bytes += (0..<8).map { _ in 0xFF }  // huge varints
                default:
                    bytes = (0..<Int.random(in: 0...40, using: &builder.rng)).map { _ in
                        UInt8.random(in: 0...255, using: &builder.rng)
                    }
                }
                do {
                    let value = try decoder.decode(bytes)
                    #expect(try JSONParser.parse(value.compactBytes) == value)
                    #expect(try decoder.decodeText(bytes) == value.compactBytes)
                    outcomes.decoded += 1
                } catch {
                    #expect(throws: AvroDecoder.DecodingError.self) { try decoder.decodeText(bytes) }
                    outcomes.refused += 1
                }
            }
        }
        #expect(outcomes.refused > 0 && outcomes.decoded > 0, "\(outcomes)")
    }

    @Test func hostileCountsAndDepthsAreRefusedQuickly() throws {
        // An array of nulls claiming 2^62 items in a few bytes: bounded by the payload's size, not looped over.
        let nulls = AvroDecoder(schema: try AvroSchema(#"{"type":"array","items":"null"}"#))
        #expect(throws: AvroDecoder.DecodingError.self) { try nulls.decode(AvroBinaryWriter.long(1 << 62) + [0]) }
        // A record that contains itself with no bytes per level stops at the depth limit.
        let loop = AvroDecoder(
            schema: try AvroSchema(#"{"type":"record","name":"L","fields":[{"name":"l","type":"L"}]}"#))
        #expect(throws: AvroDecoder.DecodingError.self) { try loop.decode([]) }
        // A linked list 10,000 deep (one byte per level) is refused at the depth limit, not a stack overflow.
        let list = AvroDecoder(
            schema: try AvroSchema(#"{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}"#))
        #expect(throws: AvroDecoder.DecodingError.self) { try list.decode([UInt8](repeating: 2, count: 10_000) + [0]) }
        #expect(try list.decode([2, 2, 0]) == (try JSONParser.parse(#"{"next":{"next":{"next":null}}}"#)))
        // A decimal of a megabyte is refused before any arithmetic.
        let decimal = AvroDecoder(schema: try AvroSchema(#"{"type":"bytes","logicalType":"decimal","precision":9}"#))
        #expect(throws: AvroDecoder.DecodingError.self) {
            try decimal.decode(AvroBinaryWriter.bytes([UInt8](repeating: 7, count: 1 << 20)))
        }
        // Strings must be UTF-8; lengths must fit.
        let string = AvroDecoder(schema: try AvroSchema(#""string""#))
        #expect(throws: AvroDecoder.DecodingError.self) { try string.decode(AvroBinaryWriter.bytes([0xC3])) }
        #expect(throws: AvroDecoder.DecodingError.self) { try string.decode(AvroBinaryWriter.long(100) + [0x61]) }
        #expect(throws: AvroDecoder.DecodingError.self) { try string.decode(AvroBinaryWriter.long(-1)) }
    }

    @Test func mutatedSchemasAreParsedOrRefused() throws {
        var rng = SeededGenerator(seed: 99)
        var parsed = 0
        for seed in 0..<400 {
            var builder = Builder(rng: SeededGenerator(seed: UInt64(seed)))
            var text = Array(builder.type(depth: 0).schema.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !text.isEmpty {
                let index = Int.random(in: 0..<text.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: text[index] = Array(#"{}[]",:0-x"#.utf8).randomElement(using: &rng)!
                case 1: text.remove(at: index)
                default: text.insert(Array(#"{}[]",:"#.utf8).randomElement(using: &rng)!, at: index)
                }
            }
            guard let schema = try? AvroSchema(String(decoding: text, as: UTF8.self)) else { continue }
            parsed += 1
            let decoder = AvroDecoder(schema: schema)
            for _ in 0..<10 {
                _ = try? decoder.decode(
                    (0..<Int.random(in: 0...30, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
        }
        #expect(parsed > 0)
        // Schemas the relay refuses, with why.
        for (text, reason) in [
            (#"{"type":"record","name":"A","fields":[{"name":"x","type":"B"}]}"#, "unknown type 'B'"),
            (#"{"type":"enum","name":"E","symbols":[]}"#, "no symbols"),
            (#"[]"#, "no branches"),
            (#"[["int"]]"#, "union directly inside a union"),
            (#"{"type":"fixed","name":"F"}"#, "needs a 'size'"),
            (
                #"{"type":"record","name":"A","fields":[{"name":"x","type":"int"},{"name":"x","type":"int"}]}"#,
                "two fields named 'x'"
            ),
            (
                #"{"type":"record","name":"A","fields":[{"name":"a","type":{"type":"record","name":"A","fields":[]}}]}"#,
                "defined twice"
            ),
            ("{", "not JSON"),
            (
                String(repeating: #"{"type":"array","items":"#, count: 200) + #""int""#
                    + String(repeating: "}", count: 200), "deeper"
            ),
        ] {
            #expect(throws: AvroSchema.SchemaError.self) { try AvroSchema(text) }
            do {
                _ = try AvroSchema(text)
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error)")
            }
        }
    }
}
