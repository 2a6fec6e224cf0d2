/// A message a lane wants published now.
public struct OutgoingMessage: Sendable, Hashable {
    /// The per-stream sequence number (`q`); also the message's identity for `acknowledge`, `retry` and `abandon`.
    public var sequence: UInt64
    /// The exact `Data` bytes to send (a JSON object within the budget).
    public var data: [UInt8]
    /// How many records complete when this message is acknowledged (0 for a chunk other than the group's last).
    public var recordCount: Int
    /// For a chunk message: its index and the group's chunk count.
    public var chunk: (index: Int, count: Int)? {
        get { chunkIndex.map { ($0, chunkCount) } }
        set {
            chunkIndex = newValue?.index
            chunkCount = newValue?.count ?? 0
        }
    }
    /// How many times this message was sent before (0 for a first attempt).
    public var previousAttempts: Int
    private var chunkIndex: Int?
    private var chunkCount = 0

    /// A message numbered `sequence` carrying `data`.
    public init(
        sequence: UInt64, data: [UInt8], recordCount: Int, chunk: (index: Int, count: Int)? = nil,
        previousAttempts: Int = 0
    ) {
        self.sequence = sequence
        self.data = data
        self.recordCount = recordCount
        self.previousAttempts = previousAttempts
        self.chunk = chunk
    }
}

/// What became of a record offered to a lane.
public struct LaneOffer: Sendable {
    /// The offered record's fate.
    public enum Disposition: Sendable, Hashable {
        /// Queued for publishing.
        case queued
        /// Dropped by a policy; it is among `dropped`.
        case dropped
        /// Refused by `block`: the lane is full. The caller keeps the record, pauses the partitions feeding the
        /// stream, and offers it again once `StreamLane.canResume` is true.
        case refused
    }

    /// The offered record's fate.
    public var disposition: Disposition
    /// Records dropped by this offer: the offered one (`.dropped`), and any evicted or conflated queued ones.
    public var dropped: [DroppedRecord]
    /// Under `block`, whether the lane is now full, so the caller should pause the partitions feeding it.
    public var shouldPause: Bool
}

/// What a lane asks of its caller at `now`.
public struct LaneStep: Sendable {
    /// A message to publish now, if any. After publishing, call `nextStep` again at once.
    public var message: OutgoingMessage?
    /// Records dropped while building it (expired).
    public var dropped: [DroppedRecord]
    /// When to call `nextStep` again if nothing else happens (pacer token, retry due); `nil`: only after an offer
    /// or an acknowledgement.
    public var wakeAt: Instant?
}
