import PropertyBased
import RelayCore
import Testing

@Suite struct OffsetTrackerTests {
    private let partition = TopicPartition(topic: "orders", partition: 3)

    @Test func commitsOnlyTheContiguousDonePrefix() {
        var tracker = OffsetTracker()
        tracker.assign(partition)
        for offset in [10, 11, 12, 15, 16] as [Int64] { _ = tracker.receive(partition, offset: offset) }
        tracker.markDone(partition, offset: 11)
        #expect(tracker.commitOffset(partition) == nil)
        tracker.markDone(partition, offset: 10)
        #expect(tracker.commitOffset(partition) == 12)
        tracker.markDone(partition, offset: 15)
        #expect(tracker.commitOffset(partition) == 12)
        tracker.markDone(partition, offset: 12)
        // Gaps in offsets (compaction) do not hold the commit back.
        #expect(tracker.commitOffset(partition) == 16)
        #expect(tracker.highestContiguousDone(partition) == 15)
        #expect(tracker.outstanding(partition) == 1)
    }

    @Test func theOldestWaitingTimestampIsTheOneTheCommitPointWaitsFor() {
        var tracker = OffsetTracker()
        let other = TopicPartition(topic: "orders", partition: 4)
        tracker.assign(partition)
        tracker.assign(other)
        let noneWaiting: [TopicPartition: Int64?] = [partition: nil as Int64?, other: nil as Int64?]
        #expect(tracker.oldestWaitingTimestamps == noneWaiting, "none waits")
        for (offset, timestamp) in [(10, 1_000), (11, 1_500), (12, 2_000)] as [(Int64, Int64)] {
            _ = tracker.receive(partition, offset: offset, timestamp: timestamp)
        }
        _ = tracker.receive(other, offset: 0, timestamp: nil)
        #expect(tracker.oldestWaitingTimestamps[partition] == 1_000)
        #expect(tracker.oldestWaitingTimestamps[other] == .some(nil), "no timestamp: unknown")
        tracker.markDone(partition, offset: 11)
        #expect(tracker.oldestWaitingTimestamps[partition] == 1_000, "a later record done changes nothing")
        tracker.markDone(partition, offset: 10)
        #expect(tracker.oldestWaitingTimestamps[partition] == 2_000, "10 and 11 are done: 12 waits")
        tracker.markDone(partition, offset: 12)
        #expect(tracker.oldestWaitingTimestamps[partition] == .some(nil))
        _ = tracker.receive(partition, offset: 13, timestamp: 5_000)
        #expect(tracker.oldestWaitingTimestamps[partition] == 5_000, "after the window emptied")
        _ = tracker.revoke(partition)
        #expect(tracker.oldestWaitingTimestamps[partition] == nil, "a revoked partition is not reported")
    }

    @Test func theOldestWaitingTimestampSurvivesTheWindowsCompaction() {
        var tracker = OffsetTracker()
        tracker.assign(partition)
        for offset in 0..<3000 as Range<Int64> {
            _ = tracker.receive(partition, offset: offset, timestamp: offset * 10)
        }
        for offset in 0..<2000 as Range<Int64> { tracker.markDone(partition, offset: offset) }
        #expect(tracker.oldestWaitingTimestamps[partition] == 20_000)
    }

    @Test func boundsOutstandingRecords() {
        var tracker = OffsetTracker(maxOutstandingPerPartition: 2)
        tracker.assign(partition)
        let reception1 = tracker.receive(partition, offset: 0)
        #expect(reception1 == .tracked(full: false))
        let reception2 = tracker.receive(partition, offset: 1)
        #expect(reception2 == .tracked(full: true))
        let reception3 = tracker.receive(partition, offset: 2)
        #expect(reception3 == .full)
        #expect(!tracker.canResume(partition))
        tracker.markDone(partition, offset: 0)
        #expect(tracker.canResume(partition))
        let reception4 = tracker.receive(partition, offset: 2)
        #expect(reception4 == .tracked(full: true))
    }

    @Test func revokeAndAssign() {
        var tracker = OffsetTracker()
        let reception5 = tracker.receive(partition, offset: 0)
        #expect(reception5 == .unassigned)
        tracker.assign(partition, committed: 40)
        #expect(tracker.commitOffset(partition) == 40)
        _ = tracker.receive(partition, offset: 40)
        let reception6 = tracker.receive(partition, offset: 40)
        #expect(reception6 == .duplicate)
        tracker.markDone(partition, offset: 40)
        #expect(tracker.commitOffsets == [partition: 41])
        let reception7 = tracker.revoke(partition)
        #expect(reception7 == 41)
        let reception8 = tracker.markDone(partition, offset: 41)
        #expect(!reception8)
        #expect(tracker.assignedPartitions.isEmpty)
    }

    @Test func neverCommitsPastAnUnfinishedOffset() async {
        await propertyCheck(count: 100, input: Gen.uint64()) { seed in
            var random = SeededGenerator(seed: seed)
            var tracker = OffsetTracker(maxOutstandingPerPartition: Int.random(in: 1...300, using: &random))
            tracker.assign(partition)
            var next: Int64 = 0
            var received: [Int64] = []
            var done = Set<Int64>()
            var pending: [Int64] = []
            for step in 0..<1000 {
                if Bool.random(using: &random) {
                    next += Int64.random(in: 1...3, using: &random)  // gaps, as after compaction
                    if case .tracked = tracker.receive(partition, offset: next) {
                        received.append(next)
                        pending.append(next)
                    } else {
                        next -= 1  // offered again later
                    }
                } else if !pending.isEmpty {
                    let offset = pending.remove(at: Int.random(in: 0..<pending.count, using: &random))
                    done.insert(offset)
                    tracker.markDone(partition, offset: offset)
                }
                let commit = tracker.commitOffset(partition)
                #expect(tracker.outstanding(partition) <= tracker.maxOutstandingPerPartition)
                guard step % 25 == 0 else { continue }
                // Everything below the commit offset is done; the first unfinished offset is not below it.
                let firstUnfinished = received.first { !done.contains($0) }
                if let commit, let firstUnfinished { #expect(commit <= firstUnfinished) }
                if let commit { #expect(received.filter { $0 < commit }.allSatisfy(done.contains)) }
                // And it is as far as it may go.
                let expected = (firstUnfinished.map { first in received.last { $0 < first } } ?? received.last)
                    .map { $0 + 1 }
                #expect(commit == expected)
            }
        }
    }
}
