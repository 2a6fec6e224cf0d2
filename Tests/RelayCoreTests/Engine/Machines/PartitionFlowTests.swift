import Testing

@testable import RelayCore

/// `PartitionFlow` alone: intake, holding and pausing, resuming, revokes and their drains.
@Suite struct PartitionFlowTests {
    let p0 = TopicPartition(topic: "orders", partition: 0)
    let p1 = TopicPartition(topic: "orders", partition: 1)

    func flow(maxOutstanding: Int = 100) -> PartitionFlow {
        var flow = PartitionFlow(maxOutstandingPerPartition: maxOutstanding)
        flow.assign([p0, p1], assignment: PartitionAssignment(partitions: [p0, p1], partitionCounts: ["orders": 2]))
        return flow
    }

    @Test func recordsAreOfferedIgnoredOrHeld() {
        var flow = flow(maxOutstanding: 2)
        let value40 = flow.receive(MachineFixtures.record(0))
        #expect(value40 == .offer)
        let value41 = flow.receive(MachineFixtures.record(0))
        #expect(value41 == .ignored, "seen already")
        let value42 = flow.receive(MachineFixtures.record(0, partition: 7))
        #expect(value42 == .ignored, "not assigned")
        let value43 = flow.receive(MachineFixtures.record(1))
        #expect(value43 == .offer)
        let value44 = flow.receive(MachineFixtures.record(2))
        #expect(value44 == .held(counted: false), "two outstanding already")
        let value45 = flow.receive(MachineFixtures.record(0, partition: 1))
        #expect(value45 == .offer)
        #expect(flow.paused == [p0])
        let value46 = flow.pauseChanges()
        #expect(value46 == ([p0], []))
        let value47 = flow.pauseChanges()
        #expect(value47 == ([], []), "told once")
    }

    @Test func aPartitionHoldingRecordsHoldsTheNextOnesInOrderUntilItResumes() {
        var flow = flow()
        let value48 = flow.receive(MachineFixtures.record(0))
        #expect(value48 == .offer)
        flow.holdRefused(MachineFixtures.record(0))  // its lane was full
        let value49 = flow.receive(MachineFixtures.record(1))
        #expect(value49 == .held(counted: true))
        #expect(flow.holdsRecords)
        let value50 = flow.takeResumeCheck()
        #expect(value50 == nil, "nothing made room")
        flow.noteRoom()
        let value51 = flow.takeResumeCheck()
        #expect(value51 == [p0])
        var queue = flow.takeHeld(p0)
        let value52 = flow.firstReady(of: &queue)
        #expect(value52?.offset == 0)
        queue.removeFirst()
        let value53 = flow.firstReady(of: &queue)
        #expect(value53?.offset == 1)
        queue.removeFirst()
        flow.putBack(queue, of: p0)
        #expect(!flow.holdsRecords)
        flow.resume([p0])
        _ = flow.pauseChanges()
        #expect(flow.paused.isEmpty)
    }

    @Test func aHeldRecordBeyondTheOutstandingBoundWaitsUntilRecordsAreDone() {
        var flow = flow(maxOutstanding: 1)
        let value54 = flow.receive(MachineFixtures.record(0))
        #expect(value54 == .offer)
        let value55 = flow.receive(MachineFixtures.record(1))
        #expect(value55 == .held(counted: false))
        var queue = flow.takeHeld(p0)
        let value56 = flow.firstReady(of: &queue)
        #expect(value56 == nil, "still one outstanding")
        flow.markDone(MachineFixtures.record(0))
        let value57 = flow.firstReady(of: &queue)
        #expect(value57?.offset == 1, "tracked now")
        #expect(flow.tracker.commitOffsets[p0] == 1)
    }

    @Test func stoppingPausesEveryPartitionAndHoldsWhatArrives() {
        var flow = flow()
        flow.stop()
        #expect(flow.paused == [p0, p1])
        let value58 = flow.receive(MachineFixtures.record(0))
        #expect(value58 == .held(counted: true))
        flow.noteRoom()
        let value59 = flow.takeResumeCheck()
        #expect(value59 == [], "nothing resumes while stopping")
    }

    @Test func aRevokeDrainsTheStreamsItFedAndEndsWithItsCommitOffset() {
        var flow = flow()
        let value60 = flow.receive(MachineFixtures.record(0))
        #expect(value60 == .offer)
        flow.feeds(p0, slot: 3)
        flow.feeds(p0, slot: 5)
        flow.markDone(MachineFixtures.record(0))
        let value61 = flow.revoke(p0)
        #expect(value61 == [3, 5])
        flow.setAssignment(PartitionAssignment(partitions: [p1], partitionCounts: ["orders": 2]))
        #expect(flow.slots(fedBy: p0).isEmpty)
        #expect(!flow.isDrained([p0]) { $0 == 3 }, "slot 5 still has messages in flight")
        flow.forget(5, fedBy: [])
        #expect(flow.isDrained([p0]) { $0 == 3 }, "a released stream drains nothing")
        let (offset, drained) = flow.endRevoke(p0)
        #expect(offset == 1 && drained == [3])
        let value62 = flow.receive(MachineFixtures.record(1))
        #expect(value62 == .ignored, "no longer assigned")
    }
}
