import Foundation
import RelayCore
import Testing

/// The message packer fuzzed with adversarial records (issue 8, bad input): mutated JSON (which the validator must
/// classify right, or the message is not JSON), nesting near and past the validator's depth limit, escape-heavy and
/// control-character strings that grow when escaped, lone and paired surrogate escapes, binary, huge keys and many
/// headers, under random budgets and formats. Every message must be within the budget and valid JSON, and decoding
/// all of them must give back exactly the records (split records reassembled); none may crash or hang.
///
/// CI runs 5,000 records (about 10 s in a debug build); `SYNC_RELAY_PACKER_CASES=2000000 swift test --filter PackerFuzz` runs a campaign
/// (`SYNC_RELAY_PACKER_SEED` replays one).
@Suite("Message packer fuzzing", .timeLimit(.minutes(60)))
struct PackerFuzzTests {
    static let structural: [[UInt8]] =
        ["{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800", "e", "-", ".", "0", " "]
        .map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00], [0x1F], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98]]

    /// One adversarial value.
    static func value(_ random: inout RandomRecords) -> [UInt8]? {
        switch Int.random(in: 0..<9, using: &random.rng) {
        case 0, 1: return random.value(largeChance: 0.1)
        case 2:  // JSON with a few mutations: some stay JSON, most do not
            var bytes = Array(random.jsonText().utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random.rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random.rng)
                switch Int.random(in: 0..<4, using: &random.rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random.rng)
                case 1: bytes.insert(contentsOf: structural.randomElement(using: &random.rng)!, at: at)
                case 2: bytes.remove(at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            return bytes
        case 3:  // nesting, sometimes around the validator's limit (rarely: decoding it on the test side is slow)
            let limit = JSONValidator.maximumDepth
            let depth =
                Int.random(in: 0..<200, using: &random.rng) == 0
                ? Int.random(in: (limit - 5)...(limit + 5), using: &random.rng)
                : Int.random(in: 1...40, using: &random.rng)
            let open = Bool.random(using: &random.rng) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            return Array((String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)).utf8)
        case 4:  // strings that grow when escaped: quotes, backslashes, raw control characters
            let pieces = ["\"", "\\", "\u{01}", "\u{1F}", "\n", "\u{7F}", "\u{2028}"]
            let count = Int.random(in: 0...3000, using: &random.rng)
            return Array((0..<count).map { _ in pieces.randomElement(using: &random.rng)! }.joined().utf8)
        case 5:  // every escape class inside JSON strings, with paired and lone surrogate escapes
            let escapes = [
                "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u001f", "\\u00e9",
                "\\ud83d\\ude00", "😀", "𝄞", "\\ud800", "\\udfff",
            ]
            let count = Int.random(in: 0...800, using: &random.rng)
            return Array(
                ("\"" + (0..<count).map { _ in escapes.randomElement(using: &random.rng)! }.joined() + "\"").utf8)
        case 6:  // raw invalid UTF-8 sequences: surrogates encoded in UTF-8, overlongs, truncated sequences
            let sequences: [[UInt8]] = [
                [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F], [0x61],
                [0xE2, 0x82, 0xAC],
            ]
            return (0..<Int.random(in: 1...500, using: &random.rng)).flatMap { _ in
                sequences.randomElement(using: &random.rng)!
            }
        case 7: return []
        default: return nil
        }
    }

    /// One adversarial record: a huge or binary key and many headers sometimes.
    static func record(_ random: inout RandomRecords, offset: Int64) -> SourceRecord {
        var record = random.record(offset: offset)
        record.value = value(&random)
        switch Int.random(in: 0..<8, using: &random.rng) {
        case 0: record.key = Array(random.text(maxLength: 3000).utf8)
        case 1:
            record.key = (0..<Int.random(in: 1...2000, using: &random.rng)).map { _ in
                UInt8.random(in: 0...255, using: &random.rng)
            }
        default: break
        }
        if Int.random(in: 0..<10, using: &random.rng) == 0 {
            record.headers = (0..<Int.random(in: 1...200, using: &random.rng)).map { index in
                SourceRecord.Header(
                    name: "h\(index)" + random.text(maxLength: 4),
                    value: Bool.random(using: &random.rng)
                        ? Array(random.text(maxLength: 20).utf8) : [0xFF, UInt8(index & 0xFF)])
            }
        }
        return record
    }

    /// Found by this fuzzer: values that RFC 8259's grammar allows but common parsers refuse made the whole message
    /// unreadable to them (Foundation's `JSONSerialization`, which Twilio's iOS SDK uses, refuses escaped lone
    /// surrogates and nesting beyond 512 levels). Such values are now carried as text, exactly.
    @Test func valuesSomeParsersRefuseAreCarriedAsTextSoEveryMessageParses() throws {
        let limit = JSONValidator.maximumDepth
        let values = [
            "\"\\ud800\"", "[\"\\udc00 alone\"]", "{\"a\":\"\\ud83d then text\"}",
            String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1),
            // Numbers beyond double range (found by the 2026-11-23 campaign, seed 13426975936105949).
            "12e345", "{\"n\":[1, 123e456789]}", String(repeating: "9", count: 309),
        ]
        let packer = MessagePacker(settings: PackerSettings(budget: 4096), format: .full)
        for value in values {
            let record = SourceRecord(
                topic: "t", partition: 0, offset: 1, timestamp: nil, key: nil, value: Array(value.utf8), headers: [])
            let (data, taken) = packer.pack([packer.encode(record)], sequence: 1)
            #expect(taken == 1)
            var decoder = MessageDecoder(budget: 4096)
            try decoder.receive(data)
            #expect(
                decoder.records.first?.entry["s"] as? String == value, "\(value.prefix(40)) was not carried as text")
        }
        // The deepest JSON still embedded as JSON nests the message at most 503 levels: Foundation parses it.
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        let record = SourceRecord(
            topic: "t", partition: 0, offset: 1, timestamp: nil, key: nil, value: Array(deepest.utf8), headers: [])
        let (data, _) = packer.pack([packer.encode(record)], sequence: 1)
        var decoder = MessageDecoder(budget: 4096)
        try decoder.receive(data)
        #expect(decoder.records.first?.entry["j"] != nil)
    }

    @Test func adversarialRecordsPackWithinTheBudgetAndRoundTrip() throws {
        let process = ProcessInfo.processInfo.environment
        let cases = process["SYNC_RELAY_PACKER_CASES"].flatMap(Int.init) ?? 5_000
        let seed = process["SYNC_RELAY_PACKER_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max / 2)
        var random = RandomRecords(seed: seed)
        var records = 0, messages = 0, chunked = 0, refused = 0, largest = 0
        var failures: [String] = []
        let started = ContinuousClock.now
        while records < cases, failures.count < 5 {
            let budget = Int.random(in: PackerSettings.budgetRange, using: &random.rng)
            var format = MessageFormatOptions.full
            format.includeHeaders = Bool.random(using: &random.rng)
            format.includeKey = Bool.random(using: &random.rng)
            format.includeTopic = Bool.random(using: &random.rng)
            format.epoch = Bool.random(using: &random.rng) ? UInt64.random(in: 0...UInt64.max, using: &random.rng) : nil
            let maxChunks = Int.random(in: 2...64, using: &random.rng)
            let packer = MessagePacker(settings: PackerSettings(budget: budget, maxChunks: maxChunks), format: format)
            let batch = (0..<min(cases - records, Int.random(in: 1...200, using: &random.rng))).map {
                Self.record(&random, offset: Int64(records + $0))
            }
            records += batch.count

            var decoder = MessageDecoder(budget: budget)
            var expected: [SourceRecord] = []
            var entries = batch.map { packer.encode($0) }[...]
            var index = 0
            var sequence = UInt64.random(in: 0...UInt64.max / 2, using: &random.rng)
            do {
                while let head = entries.first {
                    if !packer.fitsAlone(entryLength: head.count) {
                        if let chunks = packer.split(entry: head, firstSequence: sequence) {
                            for chunk in chunks { try decoder.receive(chunk); largest = max(largest, chunk.count) }
                            sequence += UInt64(chunks.count)
                            messages += chunks.count
                            chunked += 1
                            expected.append(batch[index])
                        } else {
                            refused += 1  // more than maxChunks: the oversize policy drops or dead-letters it
                        }
                        entries = entries.dropFirst()
                        index += 1
                        continue
                    }
                    let (data, taken) = packer.pack(entries, sequence: sequence)
                    guard taken > 0 else {
                        throw MessageDecoder.DecodeError.invalid("an entry that fits alone was not packed")
                    }
                    try decoder.receive(data)
                    largest = max(largest, data.count)
                    messages += 1
                    expected.append(contentsOf: batch[index..<index + taken])
                    entries = entries.dropFirst(taken)
                    index += taken
                    sequence += 1
                }
                guard decoder.incompleteChunkGroups == 0, decoder.records.count == expected.count else {
                    throw MessageDecoder.DecodeError.invalid(
                        "\(decoder.records.count) records decoded, \(expected.count) packed")
                }
                for (decoded, record) in zip(decoder.records, expected)
                where !MessageDecoder.matches(decoded.entry, record, format: format) {
                    throw MessageDecoder.DecodeError.invalid(
                        "record at offset \(record.offset) changed: value \(record.value.map { Array($0.prefix(80)) } ?? [])"
                    )
                }
            } catch {
                failures.append(
                    "budget \(budget), record \(index) of a batch from offset \(batch.first?.offset ?? 0): \(error)")
            }
        }
        print(
            "packer fuzz: seed \(seed), \(records) records, \(messages) messages (largest \(largest) B), \(chunked) split, \(refused) refused by maxChunks, \(ContinuousClock.now - started)"
        )
        #expect(failures.isEmpty, "seed \(seed): \(failures)")
        #expect(records == cases)
    }
}
