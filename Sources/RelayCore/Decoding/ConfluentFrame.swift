/// The Confluent wire format of a Schema Registry-serialized key or value: a zero magic byte, the schema id as a
/// 4-byte big-endian integer, then the serializer's payload (for Protobuf, message indexes come first).
public struct ConfluentFrame: Sendable, Hashable {
    /// The registry's id of the writer's schema.
    public var schemaId: UInt32
    /// Where the payload starts in the bytes (5).
    public var payloadStart: Int

    /// The frame of `bytes`, or nil when they do not start with the magic byte and a schema id.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 5, bytes[0] == 0 else { return nil }
        schemaId = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        payloadStart = 5
    }

    /// The Protobuf serializer's message indexes (which message of the `.proto` file, as a path through nested
    /// messages) and where the message bytes start: a zig-zag varint count then that many zig-zag varints, or a
    /// single 0 for the first message. Nil when they are cut off or out of range.
    public func protobufMessageIndexes(in bytes: [UInt8]) -> (indexes: [Int], payloadStart: Int)? {
        var reader = ProtobufWire(bytes: bytes[payloadStart...])
        func index() -> Int? { (try? reader.varint()).flatMap { Int(exactly: ProtobufWire.zigZag($0)) } }
        guard let count = index(), count >= 0, count <= 100 else { return nil }
        var indexes: [Int] = []
        for _ in 0..<count {
            guard let index = index(), index >= 0 else { return nil }
            indexes.append(index)
        }
        return (count == 0 ? [0] : indexes, reader.bytes.startIndex)
    }
}
