import DequeModule

/// One stream's lane: a bounded queue of encoded records feeding the packer, paced by the stream's pacer, with an
/// in-flight window of messages awaiting acknowledgement.
///
/// Pure and single-owner: the runtime owns one lane per stream and calls it with `now`. Records enter with `offer`,
/// messages leave with `nextStep`, and the Sync client's results come back as `acknowledge`, `retry` or `abandon`,
/// each with the instant the response came (the pacer's arrival guard learns round trips from it).
/// Every record leaves exactly once: published (returned by `acknowledge`) or dropped (a `DroppedRecord`).
/// When a token is available and records are queued, a message goes out at once, with as many records as fit.
public struct StreamLane: Sendable {
    /// Bounds and policies.
    public internal(set) var settings: LaneSettings
    /// The message packer (budget and format).
    public internal(set) var packer: MessagePacker
    /// The stream's pacer.
    public internal(set) var pacer: StreamPacer

    struct QueuedRecord: Sendable {
        var record: SourceRecord
        var entry: [UInt8]
        var enqueuedAt: Instant
        var conflationKey: ConflationKey?
    }

    struct ConflationKey: Sendable, Hashable {
        var topic: String
        var key: [UInt8]
    }

    struct InFlightMessage: Sendable {
        var message: OutgoingMessage
        var records: [SourceRecord]
        var chunkGroup: UInt64?
        var retryAt: Instant?
        /// The pacer's ticket for the latest attempt (`StreamPacer.responded`).
        var ticket: UInt64 = 0
    }

    struct ChunkGroup: Sendable {
        var record: SourceRecord
        var unacknowledged: Int
        var abandoned = false
    }

    var queue = SlotQueue<QueuedRecord>()
    var conflationIndex: [ConflationKey: Int64] = [:]
    /// Records queued (not yet in a message).
    public internal(set) var queuedRecords = 0
    /// Entry bytes queued.
    public internal(set) var queuedBytes = 0
    var pendingChunks = Deque<(message: OutgoingMessage, group: UInt64)>()
    /// Since when a message has been ready but held by the pacer (nil when none is held).
    var pacerHeldSince: Instant?
    var inFlight: [UInt64: InFlightMessage] = [:]
    var chunkGroups: [UInt64: ChunkGroup] = [:]
    /// The sequence number of the next new message.
    public internal(set) var nextSequence: UInt64

    /// A lane with `settings`, packing with `packer` and pacing with `pacer`; messages are numbered from
    /// `firstSequence`.
    public init(
        settings: LaneSettings = LaneSettings(), packer: MessagePacker = MessagePacker(),
        pacer: StreamPacer = StreamPacer(), firstSequence: UInt64 = 1
    ) {
        self.settings = settings
        self.packer = packer
        self.pacer = pacer
        nextSequence = firstSequence
    }

    /// Messages sent and not yet acknowledged or abandoned (including those waiting to be retried).
    public var inFlightCount: Int { inFlight.count }

    /// Whether the lane has reached a bound (under `block`, the partitions feeding it should be paused).
    public var isFull: Bool {
        queuedRecords >= settings.maxRecords || queuedBytes >= settings.maxBytes
    }

    /// Whether a paused feed may resume: the queue is at most half its bounds.
    public var canResume: Bool {
        queuedRecords * 2 <= settings.maxRecords && queuedBytes * 2 <= settings.maxBytes
    }

    /// Whether nothing is queued, pending or in flight (drained).
    public var isIdle: Bool {
        queuedRecords == 0 && inFlight.isEmpty && pendingChunks.isEmpty
    }

    /// Offers a record at `now`: queues it, or drops or refuses it under the lane's policies.
    public mutating func offer(_ record: consuming SourceRecord, now: Instant) -> LaneOffer {
        let entry = packer.encode(record)
        if !packer.fitsAlone(entryLength: entry.count) && settings.oversize != .split {
            let dropped = DroppedRecord(record: record, reason: .oversize, deadLetter: settings.oversize == .deadLetter)
            return LaneOffer(disposition: .dropped, dropped: [dropped], shouldPause: false)
        }
        var dropped: [DroppedRecord] = []
        var conflationKey: ConflationKey?
        var replaced: Int64?
        if settings.conflate, let key = record.key {
            let candidate = ConflationKey(topic: record.topic, key: key)
            conflationKey = candidate
            replaced = conflationIndex[candidate]
        }
        if wouldOverflow(adding: entry.count, replacing: replaced) {
            switch settings.overflow {
            case .block:
                return LaneOffer(disposition: .refused, dropped: [], shouldPause: true)
            case .dropNewest:
                let drop = DroppedRecord(record: record, reason: .overflowNewest, deadLetter: settings.deadLetterDrops)
                return LaneOffer(disposition: .dropped, dropped: [drop], shouldPause: false)
            case .dropOldest:
                if let position = replaced {
                    dropQueued(at: position, reason: .conflated, into: &dropped)
                    replaced = nil
                }
                while queuedRecords > 0 && wouldOverflow(adding: entry.count, replacing: nil) {
                    guard let oldest = popQueued() else { break }
                    dropped.append(
                        DroppedRecord(
                            record: oldest.record, reason: .overflowOldest, deadLetter: settings.deadLetterDrops))
                }
            }
        }
        if let position = replaced {
            dropQueued(at: position, reason: .conflated, into: &dropped)
        }
        let position = queue.append(
            QueuedRecord(record: record, entry: entry, enqueuedAt: now, conflationKey: conflationKey))
        if let conflationKey { conflationIndex[conflationKey] = position }
        queuedRecords += 1
        queuedBytes += entry.count
        return LaneOffer(
            disposition: .queued, dropped: dropped, shouldPause: settings.overflow == .block && isFull)
    }

    /// Removes every queued record of `partition` (revoked: another consumer will read them again); they are
    /// neither published nor done. Records already in messages are unaffected.
    public mutating func discardQueued(of partition: TopicPartition) -> [SourceRecord] {
        let removed = queue.removeAll { $0.record.topicPartition == partition }
        for item in removed { forget(item) }
        return removed.map(\.record)
    }

    /// Pauses the pacer until `until` (a stream-level 429's `Retry-After` or backoff).
    public mutating func pause(until: Instant) {
        pacer.pause(until: until)
    }

    /// Applies reloaded bounds and policies, and the pacer's new rate and burst (it keeps its history), from now on.
    /// Queued records stay queued; under new, smaller bounds the next offer blocks or drops by the new policy.
    public mutating func reconfigure(settings: LaneSettings, pacer pacerSettings: PacerSettings) {
        self.settings = settings
        if !settings.conflate { conflationIndex.removeAll() }
        pacer.reconfigure(pacerSettings)
    }

    /// Replaces the packer (a reloaded budget or format) and encodes the queued records again with it, so the
    /// change applies from the next message even under a backlog. Not while chunks of a split record wait to go
    /// (`nil`: they were cut for the old budget; try again later). Queued records that no longer fit a message
    /// alone follow the oversize policy as an offer would: split when they come up, or dropped (returned).
    public mutating func replacePacker(_ newPacker: MessagePacker) -> [DroppedRecord]? {
        guard pendingChunks.isEmpty else { return nil }
        packer = newPacker
        var bytes = 0
        queue.updateEach { item in
            item.entry = newPacker.encode(item.record)
            bytes += item.entry.count
        }
        queuedBytes = bytes
        guard settings.oversize != .split else { return [] }
        let tooLarge = queue.removeAll { !newPacker.fitsAlone(entryLength: $0.entry.count) }
        for item in tooLarge { forget(item) }
        return tooLarge.map {
            DroppedRecord(record: $0.record, reason: .oversize, deadLetter: settings.oversize == .deadLetter)
        }
    }

    /// Applies a new scale-out share to the pacer.
    public mutating func setShare(_ share: Double) {
        pacer.setShare(share)
    }

    // MARK: Queue bookkeeping

    private func wouldOverflow(adding bytes: Int, replacing: Int64?) -> Bool {
        let freed = replacing == nil ? 0 : 1
        let count = queuedRecords - freed
        guard count > 0 else { return false }
        return count + 1 > settings.maxRecords || queuedBytes + bytes > settings.maxBytes
    }

    private mutating func dropQueued(at position: Int64, reason: DropReason, into dropped: inout [DroppedRecord]) {
        guard let item = queue.remove(at: position) else { return }
        forget(item)
        dropped.append(DroppedRecord(record: item.record, reason: reason, deadLetter: settings.deadLetterDrops))
    }

    /// Removes the oldest queued record and updates the counters.
    mutating func popQueued() -> QueuedRecord? {
        guard let item = queue.popFirst() else { return nil }
        forget(item)
        return item
    }

    private mutating func forget(_ item: QueuedRecord) {
        queuedRecords -= 1
        queuedBytes -= item.entry.count
        if let key = item.conflationKey { conflationIndex[key] = nil }
    }
}
