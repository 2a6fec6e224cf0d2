/// Writes Avro binary data and the Confluent wire format: what the demo's Avro producer and the tests need (the
/// relay itself only decodes).
public enum AvroBinaryWriter {
    /// A zig-zag variable-length `long` (also an `int`, an enum ordinal, a union branch, a block count).
    public static func long(_ value: Int64) -> [UInt8] {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var bytes: [UInt8] = []
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
        return bytes
    }

    /// A `string`: its UTF-8 length, then the bytes.
    public static func string(_ text: String) -> [UInt8] { long(Int64(text.utf8.count)) + Array(text.utf8) }

    /// A `bytes` value: its length, then the bytes.
    public static func bytes(_ data: [UInt8]) -> [UInt8] { long(Int64(data.count)) + data }

    /// A `double`, little-endian IEEE 754.
    public static func double(_ value: Double) -> [UInt8] {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    /// A `decimal` on `bytes`: the unscaled value, two's complement big-endian, in as few bytes as hold it.
    public static func decimal(unscaled: Int64) -> [UInt8] {
        var raw = withUnsafeBytes(of: unscaled.bigEndian) { Array($0) }
        while raw.count > 1, (raw[0] == 0 && raw[1] & 0x80 == 0) || (raw[0] == 0xFF && raw[1] & 0x80 != 0) {
            raw.removeFirst()
        }
        return bytes(raw)
    }

    /// The Confluent wire format: the magic byte 0, the schema id big-endian, then `payload`.
    public static func framed(schemaId id: UInt32, _ payload: [UInt8]) -> [UInt8] {
        [0, UInt8(id >> 24), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)] + payload
    }
}
