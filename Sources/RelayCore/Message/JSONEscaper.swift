/// Writes bytes of well-formed UTF-8 text as the contents of a JSON string (without the quotes), byte for byte as the
/// packer measures them.
///
/// Escapes exactly what JSON requires: `"` and `\` as `\"` and `\\`; control characters below U+0020 as `\b \t \n \f
/// \r` or `\u00XX`. Everything else, including multi-byte UTF-8, is copied unchanged, so the subscriber's
/// `JSON.parse` gives back the same code points. Never allocates beyond growing the output buffer.
public enum JSONEscaper {
    /// How many bytes `byte` takes once escaped.
    @inline(__always)
    public static func escapedLength(of byte: UInt8) -> Int {
        Int(lengthTable[Int(byte)])
    }

    /// How many bytes `text` takes once escaped (without quotes).
    public static func escapedLength(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var total = 0
        for byte in text { total &+= Int(lengthTable[Int(byte)]) }
        return total
    }

    /// How many bytes `text` takes once escaped (without quotes).
    @inlinable
    public static func escapedLength(_ text: [UInt8]) -> Int {
        text.withUnsafeBufferPointer { escapedLength($0) }
    }

    /// Appends `text` escaped (without quotes) to `output`.
    @inlinable
    public static func append(escaping text: [UInt8], to output: inout [UInt8]) {
        text.withUnsafeBufferPointer { append(escaping: $0, to: &output) }
    }

    /// Appends `text` escaped (without quotes) to `output`. Runs of bytes that need no escape are copied in bulk.
    public static func append(escaping text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if lengthTable[Int(byte)] == 1 {
                index += 1
                continue
            }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
            appendEscape(byte, to: &output)
            index += 1
            runStart = index
        }
        if runStart < count { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<count])) }
    }

    /// Appends the escape sequence of one byte that needs escaping.
    @inline(__always)
    static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""): output.append(backslash); output.append(byte)
        case UInt8(ascii: "\\"): output.append(backslash); output.append(byte)
        case 0x08: output.append(backslash); output.append(UInt8(ascii: "b"))
        case 0x09: output.append(backslash); output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(backslash); output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(backslash); output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(backslash); output.append(UInt8(ascii: "r"))
        default:
            let hex = hexDigits
            output.append(backslash)
            output.append(UInt8(ascii: "u"))
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "0"))
            output.append(hex[Int(byte >> 4)])
            output.append(hex[Int(byte & 0x0F)])
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escaped length of every byte value.
    static let lengthTable: [UInt8] = (0...255).map { value -> UInt8 in
        switch value {
        case 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x5C: return 2
        case 0..<0x20: return 6
        default: return 1
        }
    }
}
