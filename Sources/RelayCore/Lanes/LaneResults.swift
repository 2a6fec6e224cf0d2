/// Where a chunk message sits in its split record's group.
public struct ChunkPosition: Sendable, Hashable {
    /// The chunk's index, from 0.
    public var index: Int
    /// How many chunks the record was split into.
    public var count: Int

    /// Chunk `index` of `count`.
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }
}

/// A message a lane wants published now.
public struct OutgoingMessage: Sendable, Hashable {
    /// The per-stream sequence number (`q`); also the message's identity for `acknowledge`, `retry` and `abandon`.
    public var sequence: UInt64
    /// The exact `Data` bytes to send (a JSON object within the budget).
    public var data: [UInt8]
    /// How many records complete when this message is acknowledged (for a split record, counted on its last chunk).
    public var recordCount: Int
    /// For a chunk message: its place in the split record's group.
    public var chunk: ChunkPosition?
    /// How many times this message was sent before (0 for a first attempt). The attempt history for the retry
    /// planner is `previousAttempts + 1`.
    public var previousAttempts: Int

    /// A message numbered `sequence` carrying `data`.
    public init(
        sequence: UInt64, data: [UInt8], recordCount: Int, chunk: ChunkPosition? = nil, previousAttempts: Int = 0
    ) {
        self.sequence = sequence
        self.data = data
        self.recordCount = recordCount
        self.chunk = chunk
        self.previousAttempts = previousAttempts
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
    /// How long `message` waited for the pacer: from the first moment it was ready but had no token (a `nextStep`
    /// or a `nextWakeNotingPacerHold` at that moment), to now; zero when a token was there at once.
    public var pacerWait: Duration = .zero
}
