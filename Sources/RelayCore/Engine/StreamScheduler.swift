import HeapModule

/// The one timer structure of the engine: which streams (and dead-letter retries) are due when. A min-heap of
/// wake-ups (swift-collections' `Heap`), with lazy deletion: moving a stream's wake-up earlier pushes a new entry and
/// leaves the old one to be skipped when it comes up (`EngineStream.scheduledAt` tells the live one). An idle
/// stream has no entry, so it costs no task, no timer and no wake-up.
struct StreamScheduler: Sendable {
    /// What is due.
    enum Target: Sendable, Hashable {
        /// The stream in this slot of `RelayEngine.streams`.
        case stream(Int)
        /// The dead-letter write with this id, to be sent again.
        case deadLetter(UInt64)
        /// The create limiter has a token for the streams waiting to be created.
        case creates
        /// An idle keyed stream becomes old enough to be released for a new one: look at the paused partitions.
        case resumeCheck
        /// A newly assigned partition starts counting toward the streams' budgets (`PartitionHandoffs`).
        case handoff
        /// Fetch this schema id again (the registry was unreachable).
        case schemaFetch(UInt32)
        /// Probe Twilio again (the start-up probe failed).
        case probe
        /// A snapshot object (Document or Map) has a request its pacer admits, a retry due, or may be released.
        case snapshot(SnapshotBook.ObjectKey)
    }

    struct Entry: Sendable, Comparable {
        var at: Instant
        /// Ties are broken in scheduling order, so equal instants run first come, first served.
        var order: UInt64
        var target: Target

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.at != rhs.at ? lhs.at < rhs.at : lhs.order < rhs.order
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.at == rhs.at && lhs.order == rhs.order }
    }

    private var heap = Heap<Entry>()
    private var nextOrder: UInt64 = 0
    /// Wake-ups performed (`popDue` calls that returned an entry), for the idle-cost figure of the benchmarks.
    private(set) var wakeups: UInt64 = 0

    /// Entries in the heap, stale ones included.
    var count: Int { heap.count }

    /// The earliest entry's instant (possibly a stale entry: a wake-up then finds nothing to do).
    var earliest: Instant? { heap.min?.at }

    /// Schedules `target` at `at`.
    mutating func schedule(_ target: Target, at: Instant) {
        heap.insert(Entry(at: at, order: nextOrder, target: target))
        nextOrder &+= 1
    }

    /// Removes and returns the earliest entry due at `now`, if any.
    mutating func popDue(now: Instant) -> Entry? {
        guard let first = heap.min, first.at <= now else { return nil }
        wakeups &+= 1
        return heap.removeMin()
    }

    /// Rebuilds the heap from the live entries only, when stale ones dominate.
    mutating func compact(keeping isLive: (Entry) -> Bool) {
        heap = Heap(heap.unordered.filter(isLive))
    }
}
