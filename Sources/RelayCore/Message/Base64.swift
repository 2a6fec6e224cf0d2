/// Standard base64 (RFC 4648 section 4, with `=` padding), as the message format carries binary values, keys and
/// headers. Writes straight into the packer's buffer; never allocates beyond growing it.
public enum Base64 {
    /// The length of the base64 encoding of `count` bytes.
    @inline(__always)
    public static func encodedLength(of count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    /// Appends the base64 encoding of `bytes` to `output`.
    @inlinable
    public static func append(encoding bytes: [UInt8], to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append(encoding: $0, to: &output) }
    }

    /// Appends the base64 encoding of `bytes` to `output`.
    public static func append(encoding bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let alphabet = Base64.alphabet
        let count = bytes.count
        output.reserveCapacity(output.count + encodedLength(of: count))
        var index = 0
        while index + 3 <= count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(alphabet[Int(value & 63)])
            index += 3
        }
        let remaining = count - index
        if remaining == 1 {
            let value = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        } else if remaining == 2 {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(UInt8(ascii: "="))
        }
    }

    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The bytes `text` encodes (standard alphabet, `=` padding optional, no other characters), or nil.
    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard !values.isEmpty, values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 4 <= values.count {
            let value =
                UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12 | UInt32(values[index + 2]) << 6
                | UInt32(values[index + 3])
            output += [UInt8(value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            index += 4
        }
        let rest = values.count - index
        if rest >= 2 {
            let value =
                UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12
                | (rest == 3 ? UInt32(values[index + 2]) << 6 : 0)
            output.append(UInt8(value >> 16))
            if rest == 3 { output.append(UInt8(value >> 8 & 0xFF)) }
        }
        return output
    }
}
