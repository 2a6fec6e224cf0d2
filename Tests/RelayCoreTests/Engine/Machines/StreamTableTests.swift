import Testing

@testable import RelayCore

/// `StreamTable` alone: slots, names, per-route counts, idle keyed streams and the room they make.
@Suite struct StreamTableTests {
    @Test func slotsAreGivenNamedAndReusedAfterARelease() {
        var table = StreamTable(knownCapacity: 1000)
        let first = table.insert(MachineFixtures.stream("orders-a"))
        let second = table.insert(MachineFixtures.stream("orders-b"))
        #expect((first, second) == (0, 1))
        #expect(table.slot(named: "orders-b") == 1)
        #expect(table.count == 2 && table.active(in: "{topic}-{key}") == 2)
        let (released, active) = table.release(first)
        #expect(released.name == "orders-a" && active == 1)
        #expect(table.phase(first) == nil && table.slot(named: "orders-a") == nil)
        #expect(table.liveSlots == [1])
        let value1 = table.insert(MachineFixtures.stream("orders-c"))
        #expect(value1 == first, "a freed slot is used first")
        #expect(table.capacity == 2)
    }

    @Test func aReleasedStreamIsRememberedWithItsTTLOnlyWhenItExists() {
        var table = StreamTable(knownCapacity: 1000)
        var existing = MachineFixtures.stream("orders-a")
        existing.phase = .exists
        existing.ttl.setAt = .seconds(3)
        var backingOff = MachineFixtures.stream("orders-b")
        backingOff.phase = .createBackoff(retryAt: .seconds(9), recreate: false)
        backingOff.ttl.setAt = .seconds(3)
        _ = table.release(table.insert(existing))
        _ = table.release(table.insert(backingOff))
        #expect(table.knownCount == 2)
        let value2 = table.takeKnown("orders-a")
        #expect(value2?.ttlSetAt == .seconds(3))
        let value3 = table.takeKnown("orders-b")
        #expect(value3 != nil)
        let value4 = table.takeKnown("orders-b")
        #expect(value4 == nil, "taken once")
    }

    @Test func anIdleKeyedStreamMayBeReleasedAfterIdleAfterAndABusyOneNot() {
        var table = StreamTable(knownCapacity: 1000)
        let slot = table.insert(MachineFixtures.stream("orders-a"))
        let value5 = table.noteIdleness(slot, now: .seconds(1))
        #expect(value5 == .seconds(6), "idleAfter is 5 s")
        let value6 = table.noteIdleness(slot, now: .seconds(2))
        #expect(value6 == .seconds(6), "idle since the first look")
        _ = table[slot].lane.offer(MachineFixtures.record(0), now: .seconds(3))
        let value7 = table.noteIdleness(slot, now: .seconds(3))
        #expect(value7 == nil)
        #expect(table[slot].idleSince == nil)
        let plain = table.insert(MachineFixtures.stream("orders", label: "orders", keyed: false))
        let value8 = table.noteIdleness(plain, now: .seconds(3))
        #expect(value8 == nil, "only keyed streams are released")
    }

    @Test func aStreamWithARequestUnderWayIsNotReleasable() {
        var stream = MachineFixtures.stream("orders-a")
        #expect(stream.isReleasable)
        for phase in [EngineStream.Phase.creating(recreate: false), .queuedForCreate(recreate: true)] {
            stream.phase = phase
            #expect(!stream.isReleasable, "\(phase)")
        }
        stream.phase = .exists
        stream.ttl.refreshing = true
        #expect(!stream.isReleasable)
        stream.ttl.refreshing = false
        stream.waitingForAccount = true
        #expect(!stream.isReleasable)
    }

    @Test func roomForANewStreamComesFromTheLongestIdleOneOnceItLeftTwilioWindow() {
        var table = StreamTable(knownCapacity: 1000)
        let label = "{topic}-{key}"
        let value9 = table.room(in: label, maxActiveStreams: 2, now: .seconds(1))
        #expect(value9 == .available)
        let a = table.insert(MachineFixtures.stream("orders-a"))
        let b = table.insert(MachineFixtures.stream("orders-b"))
        _ = table[b].lane.offer(MachineFixtures.record(0), now: .seconds(1))
        let value10 = table.room(in: label, maxActiveStreams: 2, now: .seconds(1))
        #expect(value10 == .full, "nothing idle yet")
        _ = table.noteIdleness(a, now: .seconds(2))
        #expect(
            table.room(in: label, maxActiveStreams: 2, now: .seconds(2.5)) == .lookAgain(at: .seconds(3.1)),
            "answered less than a window ago")
        let value11 = table.room(in: label, maxActiveStreams: 2, now: .seconds(3.1))
        #expect(value11 == .byReleasing(slot: a))
        let value12 = table.room(in: label, maxActiveStreams: 2, now: .seconds(3.2))
        #expect(value12 == .full, "its entry was taken")
        let value13 = table.room(in: label, maxActiveStreams: 3, now: .seconds(3.2))
        #expect(value13 == .available)
    }

    @Test func depthsAreTotalledPerRoute() {
        var table = StreamTable(knownCapacity: 1000)
        let a = table.insert(MachineFixtures.stream("orders-a"))
        let b = table.insert(MachineFixtures.stream("orders-b"))
        _ = table[a].lane.offer(MachineFixtures.record(0), now: .seconds(1))
        _ = table[b].lane.offer(MachineFixtures.record(1), now: .seconds(1))
        _ = table[b].lane.offer(MachineFixtures.record(2), now: .seconds(1))
        let value14 = table.noteDepth(a)
        #expect(value14.records == 1)
        let value15 = table.noteDepth(b)
        #expect(value15.records == 3)
        let value16 = table.noteDepth(b)
        #expect(value16.records == 3, "noting again changes nothing")
        _ = table.release(a)
        #expect(table.routes["{topic}-{key}"]?.depth.records == 2, "a released stream leaves the totals")
    }
}
