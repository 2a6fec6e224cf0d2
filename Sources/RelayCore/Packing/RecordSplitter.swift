/// Splits the entry of a record too large for one message into chunk messages, each within the budget.
///
/// Chunk `i` of `n` carries `d`, a piece of the entry's JSON text cut on code-point boundaries; the pieces
/// concatenated in index order are the entry text, and `JSON.parse` of it is the entry object that would have appeared
/// in `r`. Every chunk takes its own sequence number; the chunk id is the sequence number of chunk 0.
/// See docs/message-format.md for the reassembly rule.
public struct RecordSplitter: Sendable {
    /// The budget and chunk limit.
    public let settings: PackerSettings
    /// The epoch written into every chunk.
    public let epoch: UInt64?

    /// A splitter for messages within `settings`.
    public init(settings: PackerSettings, epoch: UInt64?) {
        self.settings = settings
        self.epoch = epoch
    }

    /// The chunk messages for `entry`, numbered from `firstSequence`, or `nil` when more than `maxChunks` would be
    /// needed. `entry` must be the UTF-8 JSON text of an entry (as `RecordEncoder` writes it).
    public func split(entry: [UInt8], firstSequence: UInt64) -> [[UInt8]]? {
        entry.withUnsafeBufferPointer { bytes -> [[UInt8]]? in
            var countDigits = 1
            while true {
                guard let pieces = cut(bytes, firstSequence: firstSequence, countDigits: countDigits) else {
                    return nil
                }
                let digits = DecimalDigits.count(UInt64(pieces.count))
                if digits > countDigits {
                    countDigits = digits
                    continue
                }
                return pieces.enumerated().map { index, range in
                    var message: [UInt8] = []
                    message.reserveCapacity(settings.budget)
                    MessageFrame.appendChunk(
                        sequence: firstSequence &+ UInt64(index), epoch: epoch, id: firstSequence, index: index,
                        count: pieces.count, piece: UnsafeBufferPointer(rebasing: bytes[range]), to: &message)
                    return message
                }
            }
        }
    }

    /// Cuts `bytes` into the ranges each chunk carries, assuming the chunk count takes `countDigits` digits.
    private func cut(_ bytes: UnsafeBufferPointer<UInt8>, firstSequence: UInt64, countDigits: Int) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var position = 0
        while position < bytes.count {
            let index = ranges.count
            guard index < settings.maxChunks else { return nil }
            let overhead = MessageFrame.chunkOverhead(
                sequence: firstSequence &+ UInt64(index), epoch: epoch, id: firstSequence,
                indexDigits: DecimalDigits.count(UInt64(index)), countDigits: countDigits)
            let capacity = settings.budget - overhead
            let start = position
            var used = 0
            while position < bytes.count {
                let byte = bytes[position]
                let length: Int
                let cost: Int
                if byte < 0x80 {
                    length = 1
                    cost = JSONEscaper.escapedLength(of: byte)
                } else {
                    length = max(1, UTF8Validator.sequenceLength(bytes.baseAddress!, position, bytes.count))
                    cost = length
                }
                if used + cost > capacity { break }
                used += cost
                position += length
            }
            guard position > start else { return nil }
            ranges.append(start..<position)
        }
        return ranges
    }
}
