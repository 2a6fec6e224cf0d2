import RelayCore
import Testing

@Suite struct RecordEncoderTests {
    private func entry(_ record: SourceRecord, _ options: MessageFormatOptions = .compact) -> String {
        String(decoding: RecordEncoder(options: options).encode(record), as: UTF8.self)
    }

    @Test func compactCarriesOnlyTheValue() {
        let record = SourceRecord(
            topic: "t", partition: 1, offset: 7, key: Array("k".utf8), value: Array("{\"a\":1}".utf8))
        #expect(entry(record) == "{\"j\":{\"a\":1}}")
    }

    @Test func distinguishesJSONTextBinaryAndTombstone() {
        func make(_ value: [UInt8]?) -> SourceRecord { SourceRecord(topic: "t", partition: 0, offset: 0, value: value) }
        #expect(entry(make(Array(" [1, 2] ".utf8))) == "{\"j\": [1, 2] }")
        #expect(entry(make(Array("say \"hi\"".utf8))) == "{\"s\":\"say \\\"hi\\\"\"}")
        #expect(entry(make(Array("\"quoted\"".utf8))) == "{\"j\":\"quoted\"}")
        #expect(entry(make([0xFF, 0xFE, 0x00])) == "{\"b\":\"//4A\"}")
        #expect(entry(make(nil)) == "{}")
        #expect(entry(make(Array("null".utf8))) == "{\"j\":null}")
    }

    @Test func fullFormatCarriesEveryMember() {
        let record = SourceRecord(
            topic: "orders", partition: 2, offset: 41, timestamp: 1_700_000_000_000, key: [0xFF],
            value: Array("x".utf8), headers: [.init(name: "a", value: Array("1".utf8)), .init(name: "b", value: nil)])
        #expect(
            entry(record, .full)
                == "{\"i\":\"dz4kbw.2.15\",\"tp\":\"orders\",\"p\":2,\"o\":41,\"t\":1700000000000,\"kb\":\"/w==\","
                + "\"h\":[[\"a\",\"1\"],[\"b\",null]],\"s\":\"x\"}"
        )
    }
}
