import Foundation
import PropertyBased
import RelayCore
import Testing

/// The byte-level validator agrees with Foundation's JSON parser on random strings over JSON's own alphabet and on
/// damaged valid JSON.
@Suite struct JSONValidatorReferenceTests {
    private static let alphabet = Array("{}[]\":,0123456789-+.eEtrufalsn \\u/é\t".utf8)

    @Test func agreesWithFoundationOnRandomFragments() async {
        await propertyCheck(count: 3000, input: Gen.uint64(), Gen.int(in: 0...12)) { seed, length in
            var random = SeededGenerator(seed: seed)
            var bytes = (0..<length).map { _ in Self.alphabet.randomElement(using: &random)! }
            // Half the time, start from valid JSON and damage one byte.
            if Bool.random(using: &random) {
                var records = RandomRecords(seed: seed)
                bytes = Array(records.jsonText().utf8)
                if !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = Self.alphabet.randomElement(
                        using: &random)!
                }
            }
            // Foundation also rejects numbers beyond Double's range (1E999), which RFC 8259 allows: skip those.
            let hasExponent = zip(bytes, bytes.dropFirst()).contains { first, second in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) && (second | 0x20) == UInt8(ascii: "e")
            }
            // Foundation accepts a trailing comma (`[0, ]`), which RFC 8259 does not: skip those too.
            let compact = bytes.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            let hasTrailingComma = zip(compact, compact.dropFirst()).contains { first, second in
                first == UInt8(ascii: ",") && (second == UInt8(ascii: "]") || second == UInt8(ascii: "}"))
            }
            guard !hasExponent && !hasTrailingComma else { return }
            let reference =
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil
            #expect(JSONValidator.isValid(bytes) == reference, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
