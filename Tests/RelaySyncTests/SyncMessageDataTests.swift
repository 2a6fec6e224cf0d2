import RelaySync
import Testing

@Suite("Message data validation")
struct SyncMessageDataTests {
    @Test func acceptsAnObjectUpTo4096Bytes() throws {
        let json = #"{"p":""# + String(repeating: "a", count: 4088) + #""}"#
        #expect(try SyncMessageData(validating: json).byteCount == 4096)
    }

    @Test func refusesOversizeWithTheByteCount() {
        let json = #"{"p":""# + String(repeating: "ü", count: 2100) + #""}"#
        #expect {
            try SyncMessageData(validating: json)
        } throws: { error in
            let error = error as? SyncError
            return error?.code == .messageTooLarge && error?.reason.contains("4208 bytes") == true
        }
    }

    @Test func refusesInvalidJSONAndNonObjects() {
        for text in ["{", "[1]", "42", "\"s\"", ""] {
            #expect(throws: SyncError.self) { try SyncMessageData(validating: text) }
        }
    }
}
