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
}
