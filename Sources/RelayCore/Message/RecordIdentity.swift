/// A record's compact deterministic identity, carried as `i` when a route's `format.id` is on: three base-36 numbers
/// joined by `.`: a 32-bit FNV-1a hash of the topic name, the partition, and the offset, e.g. `1x3kq5.3.8ftz`. The
/// same record always gets the same identity, so a subscriber drops a record it has already seen after a relay
/// restart re-sends it (at-least-once). Two topics feeding one stream would share identities only if their names'
/// hashes collided (odds of about 1 in 4 billion per pair); a stream fed by one topic cannot collide.
public enum RecordIdentity {
    /// The longest identity: 7 + 1 + 7 + 1 + 13 characters.
    public static let maximumLength = 29

    /// The identity of the record of `topic`, `partition` and `offset`.
    public static func of(topic: String, partition: Int32, offset: Int64) -> String {
        var bytes: [UInt8] = []
        append(topic: topic, partition: partition, offset: offset, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the identity's ASCII bytes to `output`.
    public static func append(topic: String, partition: Int32, offset: Int64, to output: inout [UInt8]) {
        var hash: UInt32 = 0x811C_9DC5
        for byte in topic.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        appendBase36(UInt64(hash), to: &output)
        output.append(UInt8(ascii: "."))
        appendBase36(UInt64(UInt32(bitPattern: partition)), to: &output)
        output.append(UInt8(ascii: "."))
        appendBase36(UInt64(bitPattern: offset), to: &output)
    }

    private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    private static func appendBase36(_ value: UInt64, to output: inout [UInt8]) {
        var buffer: [UInt8] = []
        var rest = value
        repeat {
            buffer.append(digits[Int(rest % 36)])
            rest /= 36
        } while rest > 0
        output.append(contentsOf: buffer.reversed())
    }
}
