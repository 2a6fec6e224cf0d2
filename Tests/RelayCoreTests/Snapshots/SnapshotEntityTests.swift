import Testing

@testable import RelayCore

/// `SnapshotEntity` alone: conflation, one request at a time, and an older value never overwriting a newer one.
@Suite struct SnapshotEntityTests {
    typealias Entity = SnapshotEntity

    func change(_ offset: Int64, _ value: String? = nil, partition: Int32 = 0, timestamp: Int64? = nil)
        -> Entity.Change
    {
        var record = MachineFixtures.record(offset, partition: partition)
        record.timestamp = timestamp
        return Entity.Change(record: record, data: value.map { Array($0.utf8) } ?? Array("{\"o\":\(offset)}".utf8))
    }

    func tombstone(_ offset: Int64) -> Entity.Change {
        var record = MachineFixtures.record(offset)
        record.value = nil
        return Entity.Change(record: record, data: nil)
    }

    func sent(_ entity: inout Entity) -> Entity.Request? {
        if case .send(let request) = entity.nextStep() { return request }
        return nil
    }

    func version(_ offset: Int64) -> SnapshotVersion { SnapshotVersion(of: MachineFixtures.record(offset)) }

    @Test func aNewEntityIsCreatedThenUpdatedAtTheRevisionTwilioGave() {
        var entity = Entity()
        entity.offer(change(1))
        let request1 = sent(&entity)
        #expect(request1 == .create(data: Array("{\"o\":1}".utf8)))
        let finished = entity.answered(.stored(revision: "r1"))
        #expect(finished?.result == .written)
        #expect(entity.remote == .present(revision: "r1", version: version(1)))
        entity.offer(change(2))
        let request2 = sent(&entity)
        #expect(request2 == .update(data: Array("{\"o\":2}".utf8), ifMatch: "r1"))
        _ = entity.answered(.stored(revision: "r2"))
        #expect(entity.isIdle)
    }

    @Test func aChangeNotYetSentIsReplacedByANewerOneAndItsRecordIsDoneAtOnce() {
        var entity = Entity(remote: .present(revision: "r1", version: version(0)))
        let first = entity.offer(change(1))
        let second = entity.offer(change(2))
        let third = entity.offer(change(3))
        #expect(!first && second && third)
        #expect(entity.takeConflated().map(\.offset) == [1, 2], "left behind: done now")
        let request3 = sent(&entity)
        #expect(request3 == .update(data: Array("{\"o\":3}".utf8), ifMatch: "r1"))
        let finished = entity.answered(.stored(revision: "r2"))
        #expect(finished?.change.record.offset == 3)
        #expect(finished?.change.positions.map(\.offset) == [3])
        #expect(entity.takeConflated().isEmpty)
    }

    @Test func oneRequestAtATimeAndTheNewestWaitsBehindIt() {
        var entity = Entity(remote: .present(revision: "r1", version: version(0)))
        entity.offer(change(1))
        let request4 = sent(&entity)
        #expect(request4 != nil)
        entity.offer(change(2))
        entity.offer(change(3))
        guard case .idle = entity.nextStep() else {
            Issue.record("a second request while one is in flight")
            return
        }
        let first = entity.answered(.stored(revision: "r2"))
        #expect(first?.change.record.offset == 1)
        #expect(entity.takeConflated().map(\.offset) == [2], "the newest waiting value replaced the one before it")
        let request5 = sent(&entity)
        #expect(request5 == .update(data: Array("{\"o\":3}".utf8), ifMatch: "r2"))
        let second = entity.answered(.stored(revision: "r3"))
        #expect(second?.change.record.offset == 3 && second?.change.positions.map(\.offset) == [3])
    }

    /// After a restart the relay consumes again from the committed offset: a value older than Twilio's copy is found
    /// older on the create's 409 and read, and is done without a write.
    @Test func anOlderValueFoundAfterARestartIsSupersededWithoutAWrite() {
        var entity = Entity()
        entity.offer(change(5))
        let request6 = sent(&entity)
        #expect(request6 == .create(data: Array("{\"o\":5}".utf8)))
        let answer7 = entity.answered(.exists)
        #expect(answer7 == nil)
        let request8 = sent(&entity)
        #expect(request8 == .read)
        let answer9 = entity.answered(.current(revision: "r9", version: version(7)))
        #expect(answer9 == nil)
        guard case .finished(let finished) = entity.nextStep() else {
            Issue.record("an older value must not be written")
            return
        }
        #expect(finished.result == .superseded && finished.change.record.offset == 5)
        #expect(entity.isIdle)
    }

    @Test func aNewerValueThanTwilioReadIsWrittenAtTheRevisionRead() {
        var entity = Entity()
        entity.offer(change(8))
        _ = sent(&entity)
        _ = entity.answered(.exists)
        _ = sent(&entity)
        _ = entity.answered(.current(revision: "r9", version: version(7)))
        let request10 = sent(&entity)
        #expect(request10 == .update(data: Array("{\"o\":8}".utf8), ifMatch: "r9"))
    }

    /// Another writer (the previous owner of the partition, finishing its drain) changed the entity: the update's
    /// 412 makes the relay read it again, and the newer of the two values stays.
    @Test func aConflictIsReadAgainAndTheNewerValueStays() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(3))
        _ = sent(&entity)
        let answer11 = entity.answered(.changed)
        #expect(answer11 == nil)
        let request12 = sent(&entity)
        #expect(request12 == .read)
        _ = entity.answered(.current(revision: "r4", version: version(4)))
        guard case .finished(let finished) = entity.nextStep() else {
            Issue.record("the other writer's newer value must stay")
            return
        }
        #expect(finished.result == .superseded)
    }

    @Test func anEntityThatVanishedIsCreatedAgain() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(2))
        _ = sent(&entity)
        let answer13 = entity.answered(.missing)
        #expect(answer13 == nil)
        let request14 = sent(&entity)
        #expect(request14 == .create(data: Array("{\"o\":2}".utf8)))
    }

    @Test func aFailureKeepsTheChangeAndTheRetryCarriesTheNewestValue() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(2))
        _ = sent(&entity)
        entity.offer(change(3))
        let answer15 = entity.answered(.failed)
        #expect(answer15 == nil)
        #expect(entity.current?.failures == 1)
        #expect(entity.current?.record.offset == 3)
        #expect(entity.takeConflated().map(\.offset) == [2], "the retry carries the newest value; the older is done")
        let request16 = sent(&entity)
        #expect(request16 == .update(data: Array("{\"o\":3}".utf8), ifMatch: "r1"))
        let finished = entity.answered(.stored(revision: "r2"))
        #expect(finished?.change.positions.map(\.offset) == [3])
    }

    @Test func aTombstoneDeletesAtTheKnownRevisionOrReadsFirst() {
        var known = Entity(remote: .present(revision: "r1", version: version(1)))
        known.offer(tombstone(2))
        let request17 = sent(&known)
        #expect(request17 == .delete(ifMatch: "r1"))
        let answer18 = known.answered(.deleted)
        #expect(answer18?.result == .deleted)
        #expect(known.remote == .absent)

        var unknown = Entity()
        unknown.offer(tombstone(2))
        let request19 = sent(&unknown)
        #expect(request19 == .read)
        _ = unknown.answered(.missing)
        guard case .finished(let gone) = unknown.nextStep() else {
            Issue.record("an entity already gone needs no delete")
            return
        }
        #expect(gone.result == .deleted)
    }

    @Test func aTombstoneOlderThanTwilioDeletesNothing() {
        var entity = Entity(remote: .present(revision: "r5", version: version(5)))
        entity.offer(tombstone(4))
        guard case .finished(let finished) = entity.nextStep() else {
            Issue.record("an older tombstone must not delete a newer value")
            return
        }
        #expect(finished.result == .superseded)
    }

    @Test func aRefusedChangeIsGivenUpAndTheNextOneGoes() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(2))
        _ = sent(&entity)
        entity.offer(change(3))
        let answer20 = entity.answered(.refused)
        #expect(answer20?.result == .refused)
        let request21 = sent(&entity)
        #expect(request21 == .update(data: Array("{\"o\":3}".utf8), ifMatch: "r1"))
    }

    @Test func anOlderChangeOfferedLateIsCompletedByTheNewerOne() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(5))
        entity.offer(change(3))
        #expect(entity.current?.record.offset == 5)
        #expect(entity.takeConflated().map(\.offset) == [3], "an older value offered late is done at once")
        #expect(entity.outstandingRecords == 1)
    }

    /// A revoke withdrew the change's record; its partition came back and the record is consumed again: it joins the
    /// change and is done only once written, neither at once (it was never written) nor never.
    @Test func aRecordConsumedAgainAfterItsPartitionCameBackJoinsItsWithdrawnChange() {
        var entity = Entity(remote: .present(revision: "r1", version: version(1)))
        entity.offer(change(70))
        let partition = MachineFixtures.record(70).topicPartition
        entity.withdraw([partition])
        #expect(entity.current?.positions.isEmpty == true)
        entity.offer(change(66))
        #expect(entity.takeConflated().map(\.offset) == [66], "an older value: done, the newer one will be written")
        entity.offer(change(70))
        #expect(entity.takeConflated().isEmpty, "the same record is not done before its value is written")
        #expect(entity.current?.positions.map(\.offset) == [70])
    }

    @Test func versionsOfOnePartitionCompareByOffsetAndOthersByTime() {
        let early = SnapshotVersion(topic: "t", partition: 0, offset: 9, timestamp: 2000)
        let late = SnapshotVersion(topic: "t", partition: 0, offset: 10, timestamp: 1000)
        #expect(late.isNewer(than: early), "within a partition, the offset decides")
        let other = SnapshotVersion(topic: "t", partition: 1, offset: 1, timestamp: 1500)
        #expect(other.isNewer(than: late) && !other.isNewer(than: early))
        let tie = SnapshotVersion(topic: "t", partition: 2, offset: 1, timestamp: 1500)
        #expect(tie.isNewer(than: other) && !other.isNewer(than: tie), "ties break the same way everywhere")
    }
}
