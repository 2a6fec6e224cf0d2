/// Builds one batch message incrementally: each entry is appended once, and the exact byte size is known at every
/// step, so the packer never re-serializes the message to check the budget.
public struct MessageBuilder: Sendable {
    /// The bytes so far (without the closing `]}` until `finish()`).
    public private(set) var bytes: [UInt8]
    /// The records appended so far.
    public private(set) var recordCount = 0
    /// The message's per-stream sequence number.
    public let sequence: UInt64
    private let budget: Int
    private let maxRecords: Int

    /// A builder for a message numbered `sequence` within `settings`.
    public init(sequence: UInt64, epoch: UInt64?, settings: PackerSettings) {
        self.sequence = sequence
        budget = settings.budget
        maxRecords = settings.maxRecordsPerMessage
        bytes = []
        bytes.reserveCapacity(settings.budget)
        MessageFrame.appendPrefix(sequence: sequence, epoch: epoch, to: &bytes)
        bytes.appendASCII("\"r\":[")
    }

    /// The size the finished message would have with what is appended so far.
    public var finishedLength: Int { bytes.count + 2 }

    /// Whether an entry of `entryLength` bytes still fits, by bytes and by record count.
    @inline(__always)
    public func canAppend(entryLength: Int) -> Bool {
        recordCount < maxRecords && bytes.count + (recordCount > 0 ? 1 : 0) + entryLength + 2 <= budget
    }

    /// Appends `entry` if it fits; returns whether it did.
    @discardableResult
    public mutating func append(entry: [UInt8]) -> Bool {
        guard canAppend(entryLength: entry.count) else { return false }
        if recordCount > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: entry)
        recordCount += 1
        return true
    }

    /// Closes the message and returns its `Data` bytes. Call once; the builder is spent afterwards.
    public mutating func finish() -> [UInt8] {
        bytes.appendASCII("]}")
        return bytes
    }
}
