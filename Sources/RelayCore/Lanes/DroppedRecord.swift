/// Why a record left a lane without being published. Raw values are the `reason` metric label.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    /// Evicted by `drop-oldest` to make room.
    case overflowOldest = "overflow-oldest"
    /// Refused by `drop-newest` because the lane was full.
    case overflowNewest = "overflow-newest"
    /// Waited longer than `maxAge`.
    case expired = "max-age"
    /// Replaced by a newer record with the same key (`conflate`).
    case conflated
    /// Too large for one message under `drop`/`dead-letter`, or needing more than `maxChunks` chunks.
    case oversize
    /// Twilio rejected its message (400-class), or retries gave up: the caller abandoned it.
    case rejected
    /// Its route renders a stream name Twilio cannot accept (e.g. shaped like a SID).
    case invalidStreamName = "invalid-stream-name"
    /// A keyed route could not form its stream name from the record (`UnroutableReason` says why).
    case unroutable
    /// Its value or key cannot be decoded (`UndecodableReason` says why, in the dead letter's detail).
    case undecodable
    /// Its snapshot `Data` is over Twilio's 16 KiB under the snapshot's `oversize` policy (`drop`, `dead-letter`).
    case snapshotOversize = "snapshot-oversize"
    /// Twilio refused its snapshot write (400-class), or the write's retries gave up.
    case snapshotRejected = "snapshot-rejected"
    /// Its route's snapshot name or key cannot be formed from the record (the route's `unroutable` policy).
    case snapshotUnroutable = "snapshot-unroutable"
}

/// A record a lane gave up on, handed back unchanged with its reason. Its offset counts as done once the caller has
/// dropped it or, when `deadLetter` is true, once the dead-letter write is acknowledged.
public struct DroppedRecord: Sendable, Hashable {
    /// The record, unchanged.
    public var record: SourceRecord
    /// Why it was dropped.
    public var reason: DropReason
    /// Whether the route wants it written to the dead-letter topic.
    public var deadLetter: Bool
    /// More about why, for the dead letter's `sync-relay.detail` header (an undecodable record's reason).
    public var detail: String?

    /// A record dropped for `reason`.
    public init(record: SourceRecord, reason: DropReason, deadLetter: Bool, detail: String? = nil) {
        self.record = record
        self.reason = reason
        self.deadLetter = deadLetter
        self.detail = detail
    }
}
