import RelayCore

/// Writes Avro binary for tests (the relay itself only decodes): zig-zag varints, lengths, and the Confluent frame.
enum AvroTestEncoder {
    static func long(_ value: Int64) -> [UInt8] {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var bytes: [UInt8] = []
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
        return bytes
    }

    static func string(_ text: String) -> [UInt8] { long(Int64(text.utf8.count)) + Array(text.utf8) }

    static func bytes(_ data: [UInt8]) -> [UInt8] { long(Int64(data.count)) + data }

    static func double(_ value: Double) -> [UInt8] {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    /// The Confluent wire format: magic byte 0, the schema id big-endian, the payload.
    static func framed(_ id: UInt32, _ payload: [UInt8]) -> [UInt8] {
        [0, UInt8(id >> 24), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)] + payload
    }
}
