import RelayCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\u00e9\ud83d\ude00\n"}}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("dé😀\n"))
    }

    @Test func keepsDuplicateMembersInOrder() throws {
        let value = try JSONParser.parse(#"{"a": 1, "a": 2}"#)
        #expect(value.members?.map(\.value) == [.number("1"), .number("2")])
    }

    @Test(arguments: [
        ("{\n  \"a\": [1, 2,]\n}", 2, 14, "trailing comma before ']'"),
        ("{\"a\": 1,}", 1, 9, "trailing comma before '}'"),
        ("{\"a\" 1}", 1, 6, "':' was expected"),
        ("{\"a\": tru}", 1, 7, "a value was expected"),
        ("[01]", 1, 3, "leading zeros"),
        ("\"abc", 1, 5, "unterminated string"),
        ("\"a\\qb\"", 1, 3, "invalid escape"),
        ("{\"a\": 1} x", 1, 10, "after the end of the document"),
        ("   ", 1, 4, "the document is empty"),
        ("\"\\ud800\"", 1, 8, "low surrogate"),
        ("{\n\t\"é\": [1 2]\n}", 2, 10, "',' or ']' was expected"),
    ])
    func reportsLineAndColumn(text: String, line: Int, column: Int, reason: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.line == line && error.column == column && error.reason.contains(reason)
        }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func rejectsRawControlCharacters() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"a\u{1}b\"") }
    }

    @Test func limitsNestingDepth() throws {
        let deep =
            String(repeating: "[", count: JSONParser.maximumDepth + 1)
            + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let allowed =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        _ = try JSONParser.parse(allowed)
    }

    @Test func serializesBackToEquivalentJSON() throws {
        let text = #"{"a":[1,"x\"\\\u0001",{"b":null}],"c":true}"#
        let value = try JSONParser.parse(text)
        #expect(value.text() == text)
        #expect(try JSONParser.parse(value.text(indent: 2)) == value)
    }
}
