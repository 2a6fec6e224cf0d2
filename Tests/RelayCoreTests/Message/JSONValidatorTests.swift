import PropertyBased
import RelayCore
import Testing

@Suite struct JSONValidatorTests {
    @Test(arguments: [
        "0", "-0", "1.5e10", "-2E-3", "true", "false", "null", "\"\"", "\"a\\u00e9\\n\\\"\"", "[]", "{}", " [1, 2 ,3] ",
        "{\"a\":{\"b\":[null,{}]}}", "\"é😀\"", "\t\n\r{\"k\" : \"v\"}\n", "\"\\ud83d\\ude00\"", "\"\\uD834\\uDD1E\"",
        "[[[[[]]]]]",
    ])
    func acceptsValidJSON(_ text: String) {
        #expect(JSONValidator.isValid(Array(text.utf8)))
    }

    @Test(arguments: [
        "", " ", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "True", "\"abc", "\"\\x\"", "\"\\u12g4\"", "[1,]",
        "{\"a\"}", "{\"a\":1,}", "{a:1}", "[1 2]", "1 2", "[", "]", "{\"a\":1]", "[1}", "'a'", "\"tab\there\"", "NaN",
        "{\"a\":1}}", "\u{0}", "[1]x",
        // Escaped lone surrogates (I-JSON): a high one alone, before a non-surrogate, before another high; a low one.
        "\"\\ud800\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\ud800\\ud800\"", "\"\\udc00\"", "\"\\ude00\\ud83d\"",
        "\"\\ud83d\\u",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(!JSONValidator.isValid(Array(text.utf8)))
    }

    /// Numbers outside IEEE 754 double range (I-JSON): Foundation's JSONSerialization refuses a whole message with
    /// one ("Number 12e345 is not representable"), found by the packer fuzzer's campaign. Underflow and long
    /// numbers that still read as finite doubles stay JSON, as Foundation accepts them.
    @Test func numbersBeyondDoubleRangeAreNotJSONAndTheRestAre() {
        for text in [
            "12e345", "1.8e308", "-1e400", "[1, 2345e6789]", "{\"n\":12345E789}", String(repeating: "9", count: 309),
        ] {
            #expect(!JSONValidator.isValid(Array(text.utf8)), "\(text.prefix(40))")
        }
        let accepted = [
            "1e308", "1.7976931348623157e308", "1e-400", "0.0000001e-400", "1e0000000000000000000000000000000000001",
            String(repeating: "9", count: 308), "0." + String(repeating: "0", count: 400) + "1",
            "1" + String(repeating: "0", count: 400) + "e-300", "123456789012345678901234567890",
        ]
        for text in accepted {
            #expect(JSONValidator.isValid(Array(text.utf8)), "\(text.prefix(40))")
        }
    }

    @Test func rejectsInvalidUTF8InsideStrings() {
        #expect(!JSONValidator.isValid([0x22, 0xC3, 0x28, 0x22]))
        #expect(!JSONValidator.isValid([0x22, 0xED, 0xA0, 0x80, 0x22]))  // encoded surrogate
        #expect(!JSONValidator.isValid([0x22, 0xC3, 0x22]))  // truncated
        #expect(JSONValidator.isValid([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]))
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 501) + String(repeating: "]", count: 501)
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(!JSONValidator.isValid(Array(deep.utf8)))
        #expect(JSONValidator.isValid(Array(fine.utf8)))
        // Found by the packer fuzzer: an empty innermost container is a level too.
        let deepObjects = String(repeating: "{\"a\":", count: 500) + "{}" + String(repeating: "}", count: 500)
        #expect(!JSONValidator.isValid(Array(deepObjects.utf8)))
        #expect(
            JSONValidator.isValid(
                Array((String(repeating: "[", count: 499) + "[1]" + String(repeating: "]", count: 499)).utf8)))
    }

    @Test func acceptsRandomJSONAndRejectsItsTruncations() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = RandomRecords(seed: seed)
            let text = Array(random.jsonText().utf8)
            #expect(JSONValidator.isValid(text))
            // Removing the last byte of a container or string never leaves valid JSON.
            if let last = text.last, [UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "\"")].contains(last) {
                #expect(!JSONValidator.isValid(Array(text.dropLast())))
            }
        }
    }
}

@Suite struct UTF8ValidatorTests {
    @Test func acceptsWellFormedText() {
        #expect(UTF8Validator.isValid(Array("plain ascii text that is longer than eight bytes".utf8)))
        #expect(UTF8Validator.isValid(Array("é € 😀 中 \u{10FFFF}".utf8)))
        #expect(UTF8Validator.isValid([]))
    }

    @Test(arguments: [
        [0x80] as [UInt8], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xE2, 0x82],
    ])
    func rejectsIllFormedBytes(_ bytes: [UInt8]) {
        #expect(!UTF8Validator.isValid(bytes))
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...24)) { bytes in
            #expect(UTF8Validator.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil))
        }
    }
}
