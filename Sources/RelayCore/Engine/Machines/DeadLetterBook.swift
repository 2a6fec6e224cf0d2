/// Dead-letter writes not yet acknowledged: each letter's record is done only when the topic acknowledges it. A
/// failed write is tried again after `backoff`; a letter whose partition was revoked is withdrawn (the partition's
/// next owner consumes the record, and dead-letters it, again).
struct DeadLetterBook: Sendable {
    /// A write under way.
    struct Pending: Sendable {
        var letter: DeadLetter
        /// The stream slot it was meant for (nil: a record no stream could take).
        var slot: Int?
        /// The metrics label of the stream or route.
        var label: String
        /// Failed writes so far.
        var failures = 0
    }

    /// The wait before a failed write is tried again: 100 ms, doubling up to 10 s.
    static let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10))

    private var pending: [UInt64: Pending] = [:]
    private var nextID: UInt64 = 1

    /// Whether no write is under way.
    var isEmpty: Bool { pending.isEmpty }

    /// Opens a letter for `drop` (meant for stream `name`, slot `slot`, reported under `label`): the write to ask for.
    mutating func open(_ drop: DroppedRecord, stream name: String, slot: Int?, label: String) -> DeadLetter {
        let letter = DeadLetter(id: nextID, record: drop.record, reason: drop.reason, stream: name, detail: drop.detail)
        nextID &+= 1
        pending[letter.id] = Pending(letter: letter, slot: slot, label: label)
        return letter
    }

    /// The letter `id`, if still under way (to write again).
    func letter(_ id: UInt64) -> DeadLetter? { pending[id]?.letter }

    /// Whether letter `id` is still under way.
    func contains(_ id: UInt64) -> Bool { pending[id] != nil }

    /// Write `id` failed at `now`: returns when to try again (nil: no such letter, it was withdrawn).
    mutating func failed(_ id: UInt64, now: Instant) -> Instant? {
        guard var entry = pending[id] else { return nil }
        entry.failures += 1
        pending[id] = entry
        return now + Self.backoff.delay(afterFailures: entry.failures)
    }

    /// Write `id` was acknowledged: returns the letter's bookkeeping (nil: withdrawn meanwhile).
    mutating func written(_ id: UInt64) -> Pending? { pending.removeValue(forKey: id) }

    /// Withdraws the letters of records of `partitions` (revoked), in id order.
    mutating func withdraw(_ partitions: Set<TopicPartition>) -> [Pending] {
        let withdrawn = pending.values.filter { partitions.contains($0.letter.record.topicPartition) }
            .sorted { $0.letter.id < $1.letter.id }
        for entry in withdrawn { pending[entry.letter.id] = nil }
        return withdrawn
    }
}
