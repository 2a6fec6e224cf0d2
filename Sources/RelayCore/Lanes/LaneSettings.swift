/// What a lane does when it is full. See DESIGN.md section 3, "Overflow".
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable {
    /// Refuse the record and ask the caller to pause the partitions feeding the stream (no loss; lag grows in Kafka).
    case block
    /// Evict the oldest queued records to make room (keeps the freshest data).
    case dropOldest = "drop-oldest"
    /// Drop the arriving record (keeps what is queued).
    case dropNewest = "drop-newest"
}

/// What happens to a record whose entry alone exceeds the message budget.
public enum OversizePolicy: String, Sendable, Hashable, CaseIterable {
    /// Split it into chunk messages (see docs/message-format.md).
    case split
    /// Drop it, with reason `oversize`.
    case drop
    /// Hand it back for the dead-letter topic, with reason `oversize`.
    case deadLetter = "dead-letter"
}

/// Bounds and policies of one stream's lane. Defaults: block when full, split oversize records, 8 messages in flight.
public struct LaneSettings: Sendable, Hashable {
    /// The most records queued (not yet sent). Default 10,000.
    public var maxRecords: Int
    /// The most bytes queued, counted on the records' encoded entries (what will be sent). Default 8 MiB. A single
    /// record is always accepted into an empty lane, whatever its size.
    public var maxBytes: Int
    /// What to do when full. Default `.block`.
    public var overflow: OverflowPolicy
    /// Drop records that waited longer than this in the lane when their turn comes. Default `nil` (never).
    public var maxAge: Duration?
    /// Keep only the newest queued record per key (records without a key are never conflated). Default `false`.
    public var conflate: Bool
    /// How many messages may await acknowledgement at once. Default 8 (30/s at 250 ms round trip needs 7.5).
    public var maxInFlight: Int
    /// What to do with a record too large for one message. Default `.split`.
    public var oversize: OversizePolicy
    /// Whether records dropped by overflow, `maxAge`, conflation or a rejection should go to the dead-letter topic
    /// (`DroppedRecord.deadLetter`). Default `false`. Oversize records follow `oversize`.
    public var deadLetterDrops: Bool

    /// Settings with the given values; non-positive bounds are a programming error.
    public init(
        maxRecords: Int = 10_000,
        maxBytes: Int = 8 << 20,
        overflow: OverflowPolicy = .block,
        maxAge: Duration? = nil,
        conflate: Bool = false,
        maxInFlight: Int = 8,
        oversize: OversizePolicy = .split,
        deadLetterDrops: Bool = false
    ) {
        precondition(maxRecords > 0 && maxBytes > 0 && maxInFlight > 0, "lane bounds must be positive")
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        self.overflow = overflow
        self.maxAge = maxAge
        self.conflate = conflate
        self.maxInFlight = maxInFlight
        self.oversize = oversize
        self.deadLetterDrops = deadLetterDrops
    }
}
