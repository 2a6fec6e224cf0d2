import Synchronization
import Testing

@testable import RelayTimers

@Suite("Timers on the timer thread")
struct TimersTests {
    @Test func aSleepLastsAtLeastItsDuration() async throws {
        let start = ContinuousClock.now
        try await Timers.sleep(for: .milliseconds(30))
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func zeroAndPastDeadlinesReturnAtOnce() async throws {
        try await Timers.sleep(for: .zero)
        try await Timers.sleep(for: .seconds(-5))
        try await Timers.sleep(until: ContinuousClock.now.advanced(by: .seconds(-1)))
    }

    @Test func cancellingASleepEndsItWithCancellationError() async throws {
        // An hour-long sleep: only cancellation can end it before the test's time limit.
        let sleeper = Task { try await Timers.sleep(for: .seconds(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aSleepStartedInACancelledTaskThrowsAtOnce() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Timers.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func manyConcurrentSleepsAllWakeNoneEarly() async throws {
        // 2,000 sleeps from many tasks at once: each wakes, none early.
        let woken = Recorder<Int>()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2000 {
                group.addTask {
                    let delay = Duration.milliseconds(index % 50)
                    try await Timers.sleep(until: start.advanced(by: delay))
                    #expect(ContinuousClock.now - start >= delay)
                    woken.append(index)
                }
            }
            try await group.waitForAll()
        }
        #expect(woken.values.count == 2000)
    }

    @Test func aOneShotTimerFiresOnceAndACancelledOneNever() async throws {
        let fired = Recorder<String>()
        Timers.after(.milliseconds(10)) { fired.append("kept") }
        let cancelled = Timers.after(.milliseconds(10)) { fired.append("cancelled") }
        cancelled.cancel()
        try await Timers.sleep(for: .milliseconds(100))
        #expect(fired.values == ["kept"])
    }
}

extension TimersTests {
    @Test func anEarlierTimerScheduledWhileTheThreadWaitsForALaterOneFiresFirst() async throws {
        // The thread is waiting for the hour-long timer; the short one must signal it awake.
        let fired = Recorder<String>()
        let late = Timers.after(.seconds(3600)) { fired.append("late") }
        try await Timers.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Timers.after(.milliseconds(20)) {
                fired.append("early")
                continuation.resume()
            }
        }
        #expect(ContinuousClock.now - start >= .milliseconds(20))
        late.cancel()
        #expect(fired.values == ["early"])
    }

    @Test func timersWithOneDeadlineFireInTheOrderTheyWereScheduled() async throws {
        let fired = Recorder<Int>()
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(30))
        for index in 0..<50 { Timers.at(deadline) { fired.append(index) } }
        try await Timers.sleep(until: deadline.advanced(by: .milliseconds(50)))
        #expect(fired.values == Array(0..<50))
    }

    @Test func cancelledTimersDoNotPileUpInTheHeap() async throws {
        // 20,000 hour-long timers cancelled at once (as the relay's wake-ups are, once their message is sent): the
        // heap is rebuilt once they are the majority instead of holding them for an hour.
        let before = TimerThread.shared.pendingEntries
        for _ in 0..<20_000 { Timers.after(.seconds(3600)) {}.cancel() }
        #expect(TimerThread.shared.pendingEntries < before + 2_100)
    }
}

/// Values appended from many tasks or threads.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}
