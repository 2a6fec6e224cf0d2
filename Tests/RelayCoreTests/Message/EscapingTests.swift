import Foundation
import PropertyBased
import RelayCore
import Testing

@Suite struct JSONEscaperTests {
    @Test func escapesWhatJSONRequires() {
        var output: [UInt8] = []
        JSONEscaper.append(escaping: Array("a\"b\\c\nd\te\u{01}é/".utf8), to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "a\\\"b\\\\c\\nd\\te\\u0001é/")
    }

    @Test func measuresExactlyWhatItWrites() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = RandomRecords(seed: seed)
            let text = Array(random.text(maxLength: 40).utf8)
            var output: [UInt8] = []
            JSONEscaper.append(escaping: text, to: &output)
            #expect(output.count == JSONEscaper.escapedLength(text))
            let decoded = try JSONSerialization.jsonObject(
                with: Data(("\"" + String(decoding: output, as: UTF8.self) + "\"").utf8), options: .fragmentsAllowed)
            #expect((decoded as? String).map { Array($0.utf8) } == text)
        }
    }
}

@Suite struct Base64Tests {
    @Test func matchesFoundation() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...40)) { bytes in
            var output: [UInt8] = []
            Base64.append(encoding: bytes, to: &output)
            #expect(String(decoding: output, as: UTF8.self) == Data(bytes).base64EncodedString())
            #expect(output.count == Base64.encodedLength(of: bytes.count))
        }
    }
}

@Suite struct ValueKindTests {
    @Test func classifiesEachKind() {
        #expect(ValueKind.classify(nil) == .tombstone)
        #expect(ValueKind.classify(Array("{\"a\":1}".utf8)) == .json)
        #expect(ValueKind.classify(Array("null".utf8)) == .json)
        #expect(ValueKind.classify(Array("hello".utf8)) == .text)
        #expect(ValueKind.classify([]) == .text)
        #expect(ValueKind.classify([0xFF, 0x00]) == .binary)
    }
}
