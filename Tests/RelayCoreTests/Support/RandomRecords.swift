import RelayCore
@_exported import RelayTestSupport

/// Builds random record values of every kind the format distinguishes.
struct RandomRecords {
    var rng: SeededGenerator

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
    }

    private static let specials: [String] = [
        "\"", "\\", "/", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "é", "€", "😀", "\u{2028}",
        "𝄞", "a", "z", " ", "ü", "中",
    ]

    mutating func text(maxLength: Int) -> String {
        let length = Int.random(in: 0...maxLength, using: &rng)
        var result = ""
        for _ in 0..<length {
            if Bool.random(using: &rng) {
                result.append(Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &rng))))
            } else {
                result += Self.specials.randomElement(using: &rng)!
            }
        }
        return result
    }

    mutating func jsonText(depth: Int = 0) -> String {
        let choice = Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng)
        switch choice {
        case 0: return ["true", "false", "null"].randomElement(using: &rng)!
        case 1: return ["0", "-1", "42", "3.5", "-0.25", "1e3", "2E-2", "123456789"].randomElement(using: &rng)!
        case 2, 3:
            let escaped = text(maxLength: 12).unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                case "\n": return "\\n"
                case "\t": return "\\t"
                case "\r": return "\\r"
                case "\u{08}": return "\\b"
                case "\u{0C}": return "\\f"
                default:
                    if scalar.value < 0x20 {
                        return "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                    }
                    return String(scalar)
                }
            }.joined()
            return "\"" + escaped + "\""
        case 4:
            let count = Int.random(in: 0...4, using: &rng)
            return "[" + (0..<count).map { _ in jsonText(depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let count = Int.random(in: 0...4, using: &rng)
            let members = (0..<count).map { index in "\"k\(index)\" : " + jsonText(depth: depth + 1) }
            return "{ " + members.joined(separator: ", ") + " }"
        }
    }

    /// A value: JSON, text, binary or a tombstone; sometimes large enough to need splitting.
    mutating func value(largeChance: Double = 0.03) -> [UInt8]? {
        let large = Double.random(in: 0..<1, using: &rng) < largeChance
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return nil
        case 1, 2, 3, 4:
            if large {
                let items = (0..<Int.random(in: 50...400, using: &rng)).map { _ in jsonText() }
                return Array(("[" + items.joined(separator: ",") + "]").utf8)
            }
            return Array(jsonText().utf8)
        case 5, 6, 7: return Array(text(maxLength: large ? 6000 : 60).utf8)
        default:
            let count = large ? Int.random(in: 3000...9000, using: &rng) : Int.random(in: 0...80, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty { bytes[0] = 0xFF }  // never valid UTF-8
            return bytes
        }
    }

    mutating func record(topic: String = "orders", partition: Int32? = nil, offset: Int64) -> SourceRecord {
        let key: [UInt8]? =
            Bool.random(using: &rng)
            ? Array("key-\(Int.random(in: 0..<8, using: &rng))".utf8)
            : (Bool.random(using: &rng) ? nil : [0xC3, 0x28])
        var headers: [SourceRecord.Header] = []
        if Int.random(in: 0..<4, using: &rng) == 0 {
            headers = [
                .init(name: "trace", value: Array(text(maxLength: 8).utf8)), .init(name: "bin", value: [0xFF, 0x00]),
                .init(name: "none", value: nil),
            ]
        }
        return SourceRecord(
            topic: topic, partition: partition ?? Int32.random(in: 0..<3, using: &rng), offset: offset,
            timestamp: Bool.random(using: &rng) ? 1_700_000_000_000 + offset : nil, key: key, value: value(),
            headers: headers)
    }
}
