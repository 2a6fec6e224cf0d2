import PropertyBased
import RelayCore
import Testing

/// Random record streams through the packer and splitter as a lane drives them: every message is a JSON object within
/// the budget, and decoding all of them gives back exactly the records, in order.
@Suite struct PackingPropertyTests {
    @Test func randomStreamsRoundTripExactly() async {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.int(in: 512...4096)) { seed, budget in
            var random = RandomRecords(seed: seed)
            var format = MessageFormatOptions.full
            format.includeHeaders = Bool.random(using: &random.rng)
            format.includeKey = Bool.random(using: &random.rng)
            format.epoch = Bool.random(using: &random.rng) ? UInt64.random(in: 0...UInt64.max, using: &random.rng) : nil
            let packer = MessagePacker(settings: PackerSettings(budget: budget, maxChunks: 64), format: format)
            let records = (0..<Int.random(in: 1...300, using: &random.rng)).map { random.record(offset: Int64($0)) }

            var entries = records.map { packer.encode($0) }[...]
            var expected: [SourceRecord] = []
            var refused = 0
            var index = records.startIndex
            var sequence = UInt64.random(in: 0...1_000_000, using: &random.rng)
            var decoder = MessageDecoder(budget: budget)
            while let head = entries.first {
                if !packer.fitsAlone(entryLength: head.count) {
                    if let chunks = packer.split(entry: head, firstSequence: sequence) {
                        for chunk in chunks { try decoder.receive(chunk) }
                        sequence += UInt64(chunks.count)
                        expected.append(records[index])
                    } else {
                        refused += 1
                    }
                    entries = entries.dropFirst()
                    index += 1
                    continue
                }
                let (data, taken) = packer.pack(entries, sequence: sequence)
                #expect(taken > 0)
                try decoder.receive(data)
                expected.append(contentsOf: records[index..<index + taken])
                entries = entries.dropFirst(taken)
                index += taken
                sequence += 1
            }
            #expect(decoder.incompleteChunkGroups == 0)
            #expect(decoder.records.count == expected.count)
            #expect(expected.count + refused == records.count)
            for (decoded, record) in zip(decoder.records, expected) {
                #expect(MessageDecoder.matches(decoded.entry, record, format: format), "offset \(record.offset)")
            }
        }
    }
}
