import Foundation
import HeapModule

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thread that runs every one-shot timer of the process from a heap ordered by deadline.
///
/// Why not SwiftNIO's event loops (docs/decisions/0004-timers-and-signals-off-libdispatch.md): scheduling on a loop
/// from another thread writes its eventfd, and so does cancelling; the relay schedules and cancels one timer per
/// due message, so under load that was two system calls and a loop wake-up per message, about 12% of the relay's
/// CPU (docs/performance.md). Here scheduling takes a lock and signals the thread only when the new deadline is the
/// earliest; cancelling only takes the lock (the entry stays in the heap, inert, until its deadline or until
/// cancelled entries are the majority, when the heap is rebuilt).
///
/// Clocks: deadlines are `ContinuousClock` instants (CLOCK_BOOTTIME on Linux). The thread waits on a condition
/// variable on CLOCK_MONOTONIC for the remaining time and compares with `ContinuousClock.now` again on waking, so
/// the difference between the two clocks (time suspended) can only wake it early, never late.
///
/// The heap is swift-collections' `Heap` (a min-max heap), ordered by deadline and then scheduling order.
///
/// `@unchecked Sendable`: `heap`, `cancelledCount`, `nextSequence` and every entry's `action` are only touched with
/// `mutex` held; the mutex and condition are allocated once and never freed (the thread lives as long as the
/// process).
final class TimerThread: @unchecked Sendable {
    /// A scheduled action; `action` is nil once it has fired or been cancelled.
    final class Entry: @unchecked Sendable {
        let deadline: ContinuousClock.Instant
        let sequence: UInt64
        fileprivate var action: (@Sendable () -> Void)?

        init(deadline: ContinuousClock.Instant, sequence: UInt64, action: @escaping @Sendable () -> Void) {
            self.deadline = deadline
            self.sequence = sequence
            self.action = action
        }

    }

    /// An entry as the heap orders it: earlier deadline first; equal deadlines in scheduling order.
    private struct Scheduled: Comparable {
        let entry: Entry

        static func < (lhs: Scheduled, rhs: Scheduled) -> Bool {
            (lhs.entry.deadline, lhs.entry.sequence) < (rhs.entry.deadline, rhs.entry.sequence)
        }

        static func == (lhs: Scheduled, rhs: Scheduled) -> Bool { lhs.entry === rhs.entry }
    }

    /// The process's timer thread, started on first use.
    static let shared = TimerThread()

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var heap = Heap<Scheduled>()
    private var cancelledCount = 0
    private var nextSequence: UInt64 = 0
    /// Rebuilding the heap starts only past this many cancelled entries (and when they are the majority).
    private let rebuildThreshold = 1024

    private init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        let thread = Thread { [self] in run() }
        thread.name = "sync-relay.timers"
        thread.start()
    }

    /// Runs `action` on the timer thread at `deadline` (at once if it has passed) unless cancelled first.
    func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> Entry {
        pthread_mutex_lock(mutex)
        let entry = Entry(deadline: deadline, sequence: nextSequence, action: action)
        nextSequence &+= 1
        heap.insert(Scheduled(entry: entry))
        let isEarliest = heap.min?.entry === entry
        pthread_mutex_unlock(mutex)
        // The thread re-reads the heap under the lock before every wait, so a signal is only needed when it may be
        // waiting for a later deadline than this one.
        if isEarliest { pthread_cond_signal(condition) }
        return entry
    }

    /// Stops `entry` if it has not fired (if it is firing at this moment, its action may still run).
    func cancel(_ entry: Entry) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard entry.action != nil else { return }
        entry.action = nil
        cancelledCount += 1
        if cancelledCount > rebuildThreshold, cancelledCount * 2 > heap.count { rebuild() }
    }

    /// The number of entries in the heap, cancelled ones included (for tests).
    var pendingEntries: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return heap.count
    }

    // MARK: Timer thread

    private func run() {
        var due: [@Sendable () -> Void] = []
        pthread_mutex_lock(mutex)
        while true {
            let now = ContinuousClock.now
            while let first = heap.min?.entry, first.deadline <= now {
                heap.removeMin()
                if let action = first.action {
                    first.action = nil
                    due.append(action)
                } else {
                    cancelledCount -= 1
                }
            }
            if !due.isEmpty {
                pthread_mutex_unlock(mutex)
                for action in due { action() }
                due.removeAll(keepingCapacity: true)
                pthread_mutex_lock(mutex)
                continue
            }
            guard let first = heap.min?.entry else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            var wakeAt = timespec()
            clock_gettime(CLOCK_MONOTONIC, &wakeAt)
            // At most an hour per wait (the loop re-reads the heap anyway), so the absolute time cannot overflow.
            let remaining = min(first.deadline - now, .seconds(3600))
            let (seconds, attoseconds) = remaining.components
            let nanoseconds = Int(wakeAt.tv_nsec) + Int(attoseconds / 1_000_000_000) + 1
            wakeAt.tv_sec += Int(clamping: seconds) + nanoseconds / 1_000_000_000
            wakeAt.tv_nsec = nanoseconds % 1_000_000_000
            pthread_cond_timedwait(condition, mutex, &wakeAt)
        }
    }

    /// Drops cancelled entries (mutex held); `Heap`'s initialiser restores the order in linear time.
    private func rebuild() {
        heap = Heap(heap.unordered.filter { $0.entry.action != nil })
        cancelledCount = 0
    }
}
