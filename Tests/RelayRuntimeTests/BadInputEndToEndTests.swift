import Foundation
import RelayCore
import RelayKafka
import RelayRuntime
import SyncEmulator
import Testing

/// The bad-input suite end to end (issue 8): Kafka records no producer should send, through the whole relay (mock
/// cluster, `RelayApplication` from a real configuration, the strict emulator over HTTP). Each arrives exactly as a
/// subscriber decodes it (docs/message-format.md: JSON as `j`, other text as `s`, anything else as base64 `b`,
/// oversize records in chunks), or is dead-lettered by policy and counted; a normal record after them shows the relay
/// neither crashed nor stalled.
@Suite("Bad input end to end", .timeLimit(.minutes(3)))
struct BadInputEndToEndTests {
    static let format = MessageFormatOptions(
        includeKey: true, includeTopic: false, includePartition: false, includeOffset: true, includeTimestamp: false,
        includeHeaders: true, epoch: nil)

    /// The records, in the order produced to one partition.
    static func records() -> [(String, KafkaProducer.OutgoingRecord)] {
        func record(_ value: [UInt8]?, key: [UInt8]? = Array("k".utf8), headers: [SourceRecord.Header] = [])
            -> KafkaProducer.OutgoingRecord
        {
            KafkaProducer.OutgoingRecord(topic: "bad", partition: 0, key: key, value: value, headers: headers)
        }
        let limit = JSONValidator.maximumDepth
        let escapes = #"{"all":"\" \\ \/ \b \f \n \r \t \u0000 \u001F \u00e9 \u20AC \ud83d\ude00 😀 𝄞 中 \u2028"}"#
        let deepArrays = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        let deepObjects =
            String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        let binaryKey: [UInt8] = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let headers: [SourceRecord.Header] = (0..<500).map { index in
            let value: [UInt8]? =
                index % 3 == 0 ? nil : (index % 3 == 1 ? Array("v\(index)".utf8) : [0xFF, UInt8(index & 0xFF)])
            return SourceRecord.Header(name: "h\(index)", value: value)
        }
        let items: [String] = (0..<20_000).map { "\"\($0 % 10)e\($0)\"" }
        let large = "[" + items.joined(separator: ",") + "]"
        var cases: [(String, KafkaProducer.OutgoingRecord)] = []
        cases.append(("invalid JSON", record(Array(#"{"a":1,"b":"#.utf8))))
        cases.append(("invalid UTF-8", record([0x7B, 0x22, 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80])))
        cases.append(("binary, every byte value", record((0...255).map { UInt8($0) })))
        cases.append(("empty", record([])))
        cases.append(("null (tombstone)", record(nil, key: nil)))
        cases.append(("JSON null", record(Array("null".utf8))))
        cases.append(("nesting at the limit", record(Array(deepArrays.utf8))))
        cases.append(("nesting past the limit", record(Array(deepObjects.utf8))))
        cases.append(("every escape class and non-BMP characters", record(Array(escapes.utf8))))
        cases.append(("an escaped lone surrogate", record(Array(#"["\ud800"]"#.utf8))))
        cases.append(("control characters in text", record(Array("line\u{0}\u{1}\u{1F}\u{7F}\n\"quoted\"\\".utf8))))
        cases.append(("a 20 KB binary key", record(Array("{}".utf8), key: binaryKey)))
        cases.append(("500 headers", record(Array("{\"h\":500}".utf8), headers: headers)))
        cases.append(("a 200 KB JSON value", record(Array(large.utf8))))
        return cases
    }

    @Test func everyBadRecordArrivesExactlyOrIsDeadLetteredAndTheRelayKeepsGoing() async throws {
        try await RelayHarness.with(topics: [("bad", 1), ("bad.dlq", 1)]) { harness in
            let observer = CountingObserver()
            let configuration = try harness.configuration(
                topics: ["bad"],
                defaults: [
                    JSONMember(
                        "format",
                        .object([JSONMember("key", true), JSONMember("offset", true), JSONMember("headers", true)]))
                ],
                deadLetterTopic: "bad.dlq",
                kafkaProperties: [
                    JSONMember("fetch.message.max.bytes", "12000000"), JSONMember("message.max.bytes", "12000000"),
                ])
            let cases = Self.records()
            // A 4 MB binary value (5.3 MB in base64) needs more than 1,024 chunks (`maxChunks`): the oversize policy
            // dead-letters it. (10 MB values are tested at 4 MB: the mock cluster caps a partition's log at 5 MB.)
            let hugeValue: [UInt8] = (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 0x80) }
            let huge = KafkaProducer.OutgoingRecord(
                topic: "bad", partition: 0, key: Array("huge".utf8), value: hugeValue)
            let bigProducer = try KafkaProducer(
                brokers: [harness.cluster.bootstrapServers], properties: [("message.max.bytes", "12000000")],
                logger: RelayHarness.logger)
            try await harness.runRelay(configuration, observer: observer) { _ in
                try await harness.producer.send(cases.map(\.1))
                try await bigProducer.send([huge])
                try await harness.produce("bad", count: 1, start: 1, partition: 0)  // a normal record after them
                await eventually("the normal record after the bad ones arrived", timeout: .seconds(60)) {
                    harness.deliveredNumbers("bad") == [1]
                }
                await eventually("the 4 MB record was dead-lettered") {
                    observer.counts.withLock { $0.deadLettered } == 1
                }
            }
            await bigProducer.close()

            // Decode every message as a subscriber does, in sequence order, and compare each record byte for byte.
            let messages = harness.emulator.emulator.messages(stream: "bad").map { Array($0.data.utf8) }
            var decoder = MessageDecoder(budget: 4096)
            for (_, message) in messages.map({ (sequence($0), $0) }).sorted(by: { $0.0 < $1.0 }) {
                try decoder.receive(message)
            }
            #expect(decoder.incompleteChunkGroups == 0)
            let decoded = decoder.records.map(\.entry)
            try #require(decoded.count == cases.count + 1, "\(decoded.count) records decoded")
            for (offset, (name, record)) in cases.enumerated() {
                let source = SourceRecord(
                    topic: "bad", partition: 0, offset: Int64(offset), key: record.key, value: record.value,
                    headers: record.headers)
                #expect(
                    MessageDecoder.matches(decoded[offset], source, format: Self.format),
                    "\(name) did not arrive intact")
            }
            // How each was carried.
            #expect(
                decoded[0]["s"] != nil && decoded[1]["b"] != nil && decoded[2]["b"] != nil
                    && decoded[3]["s"] as? String == "")
            #expect(decoded[4]["j"] == nil && decoded[4]["s"] == nil && decoded[4]["b"] == nil)
            #expect(
                decoded[6]["j"] != nil && decoded[7]["s"] != nil && decoded[8]["j"] != nil && decoded[9]["s"] != nil)
            #expect(messages.count > 60, "the 20 KB key and the 200 KB value were not split into chunks")
            #expect(observer.counts.withLock { $0.dropped.isEmpty })
            #expect(
                harness.emulator.emulator.stats().rejections.isEmpty,
                "rejections: \(harness.emulator.emulator.stats().rejections)")
        }
    }

    private func sequence(_ message: [UInt8]) -> Int {
        ((try? JSONSerialization.jsonObject(with: Data(message))) as? [String: Any])?["q"] as? Int ?? 0
    }
}
