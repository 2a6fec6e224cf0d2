import Foundation
import RelayCore
import Testing

@Suite struct MessagePackerTests {
    private func record(_ offset: Int64, _ value: String) -> SourceRecord {
        SourceRecord(topic: "t", partition: 0, offset: offset, value: Array(value.utf8))
    }

    @Test func packsAsManyAsFitAndMeasuresExactly() throws {
        let packer = MessagePacker()
        let entries = (0..<200).map { packer.encode(record(Int64($0), "{\"n\":\(String(repeating: "9", count: 80))}")) }
        let (data, taken) = packer.pack(entries, sequence: 1)
        #expect(data.count <= 4096)
        #expect(taken > 0 && taken < entries.count)
        // Exactly one more entry would not have fit.
        #expect(data.count + 1 + entries[taken].count > 4096)
        let object = try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]
        #expect((object?["r"] as? [Any])?.count == taken)
    }

    @Test func countsMultiByteCharactersAndEscapesAsBytes() {
        let settings = PackerSettings(budget: 512)
        let packer = MessagePacker(settings: settings)
        // Each "é" is 2 bytes, each quote escapes to 2 bytes.
        let entries = (0..<50).map { packer.encode(record(Int64($0), String(repeating: "é\"", count: 20))) }
        #expect(entries[0].count == "{\"s\":\"\"}".utf8.count + 20 * 4)
        let (data, taken) = packer.pack(entries, sequence: 12345)
        #expect(data.count <= 512)
        #expect(data.count + 1 + entries[taken].count > 512)
    }

    @Test func fillsToTheLastByteWhenSizesAllow() {
        let packer = MessagePacker(settings: PackerSettings(budget: 600))
        var builder = packer.makeBuilder(sequence: 1)
        // Prefix {"v":1,"q":1,"r":[ is 18 bytes, the close is 2: 580 bytes for entries.
        let entry = Array("{\"s\":\"\(String(repeating: "x", count: 570))\"}".utf8)
        #expect(entry.count == 578)
        let fits = Array("{\"s\":\"\(String(repeating: "x", count: 572))\"}".utf8)
        #expect(!builder.canAppend(entryLength: fits.count + 1))
        let appended = builder.append(entry: fits)
        #expect(appended)
        let data = builder.finish()
        #expect(data.count == 600)
    }

    @Test func honoursTheRecordCountLimit() {
        let packer = MessagePacker(settings: PackerSettings(maxRecordsPerMessage: 3))
        let entries = (0..<10).map { packer.encode(record(Int64($0), "1")) }
        #expect(packer.pack(entries, sequence: 0).taken == 3)
    }

    @Test func carriesSequenceAndEpoch() {
        let packer = MessagePacker(format: MessageFormatOptions(epoch: 99))
        let (data, _) = packer.pack([packer.encode(record(0, "1"))], sequence: 7)
        #expect(String(decoding: data, as: UTF8.self) == "{\"v\":1,\"e\":99,\"q\":7,\"r\":[{\"j\":1}]}")
    }

    @Test func maxEntryBytesFitsAtAnySequence() {
        let packer = MessagePacker(format: MessageFormatOptions(epoch: UInt64.max))
        let entry = Array("{\"s\":\"\(String(repeating: "x", count: packer.maxEntryBytes - 8))\"}".utf8)
        #expect(entry.count == packer.maxEntryBytes)
        let (data, taken) = packer.pack([entry], sequence: .max)
        #expect(taken == 1 && data.count == 4096)
    }
}

@Suite struct RecordSplitterTests {
    @Test func splitsWithinTheBudgetAndReassembles() throws {
        let packer = MessagePacker(settings: PackerSettings(budget: 512))
        let value = String(repeating: "aé\"\n😀", count: 400)
        let entry = packer.encode(SourceRecord(topic: "t", partition: 0, offset: 0, value: Array(value.utf8)))
        let chunks = try #require(packer.split(entry: entry, firstSequence: 40))
        #expect(chunks.count > 1)
        var decoder = MessageDecoder(budget: 512)
        for chunk in chunks { try decoder.receive(chunk) }
        #expect(decoder.records.count == 1)
        #expect(decoder.sequences == Array(40..<(40 + UInt64(chunks.count))))
        #expect(decoder.records.first?.entry["s"] as? String == value)
        // Chunks are full: all but the last leave less room than the largest character's escape.
        for chunk in chunks.dropLast() { #expect(chunk.count > 512 - 6) }
    }

    @Test func refusesRecordsNeedingTooManyChunks() {
        let packer = MessagePacker(settings: PackerSettings(budget: 512, maxChunks: 3))
        let entry = packer.encode(
            SourceRecord(topic: "t", partition: 0, offset: 0, value: Array(String(repeating: "x", count: 3000).utf8)))
        #expect(packer.split(entry: entry, firstSequence: 0) == nil)
    }

    @Test func countDigitsGrowWhenTheChunkCountNeedsThem() throws {
        let packer = MessagePacker(settings: PackerSettings(budget: 512))
        let entry = packer.encode(
            SourceRecord(topic: "t", partition: 0, offset: 0, value: Array(String(repeating: "y", count: 5000).utf8)))
        let chunks = try #require(packer.split(entry: entry, firstSequence: 9_999_990))
        #expect(chunks.count >= 10)
        var decoder = MessageDecoder(budget: 512)
        for chunk in chunks.reversed() { try decoder.receive(chunk) }
        #expect(decoder.records.count == 1 && decoder.incompleteChunkGroups == 0)
    }
}
