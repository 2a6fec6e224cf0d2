/// The envelope of a message around its records or its chunk: `{"v":1,"e":E,"q":S,"r":[...]}` or
/// `{"v":1,"e":E,"q":S,"c":{"id":ID,"i":I,"n":N},"d":"..."}` (`e` only with an epoch). Writes and measures them
/// exactly; see docs/message-format.md.
enum MessageFrame {
    /// Appends `{"v":1,"e":E,"q":S,` (the part every message starts with).
    static func appendPrefix(sequence: UInt64, epoch: UInt64?, to output: inout [UInt8]) {
        output.appendASCII("{\"v\":")
        output.appendDecimal(UInt64(MessageFormatOptions.formatVersion))
        if let epoch {
            output.appendASCII(",\"e\":")
            output.appendDecimal(epoch)
        }
        output.appendASCII(",\"q\":")
        output.appendDecimal(sequence)
        output.append(UInt8(ascii: ","))
    }

    /// The length of the prefix `appendPrefix` writes.
    static func prefixLength(sequence: UInt64, epoch: UInt64?) -> Int {
        // {"v":1  ,"q":  ,
        var length = 5 + DecimalDigits.count(UInt64(MessageFormatOptions.formatVersion)) + 5 + 1
        length += DecimalDigits.count(sequence)
        if let epoch { length += 5 + DecimalDigits.count(epoch) }
        return length
    }

    /// Length of `"r":[` plus the closing `]}` of a batch message.
    static let batchOverhead = 5 + 2

    /// The length of a chunk message's frame around its escaped piece.
    static func chunkOverhead(sequence: UInt64, epoch: UInt64?, id: UInt64, indexDigits: Int, countDigits: Int) -> Int {
        // "c":{"id":  ,"i":  ,"n":  },"d":"  "}
        prefixLength(sequence: sequence, epoch: epoch) + 10 + DecimalDigits.count(id) + 5 + indexDigits + 5
            + countDigits + 7 + 2
    }

    /// Appends a whole chunk message.
    static func appendChunk(
        sequence: UInt64, epoch: UInt64?, id: UInt64, index: Int, count: Int, piece: UnsafeBufferPointer<UInt8>,
        to output: inout [UInt8]
    ) {
        appendPrefix(sequence: sequence, epoch: epoch, to: &output)
        output.appendASCII("\"c\":{\"id\":")
        output.appendDecimal(id)
        output.appendASCII(",\"i\":")
        output.appendDecimal(UInt64(index))
        output.appendASCII(",\"n\":")
        output.appendDecimal(UInt64(count))
        output.appendASCII("},\"d\":\"")
        JSONEscaper.append(escaping: piece, to: &output)
        output.appendASCII("\"}")
    }
}
