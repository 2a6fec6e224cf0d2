import RelayCore
import Testing

@Suite struct OffsetsToolPlanTests {
    let zero = TopicPartition(topic: "orders", partition: 0)
    let one = TopicPartition(topic: "orders", partition: 1)
    var positions: [PartitionPosition] {
        [
            PartitionPosition(partition: zero, committed: 120, logStart: 100, logEnd: 150),
            PartitionPosition(partition: one, committed: nil, logStart: 0, logEnd: 40),
        ]
    }

    @Test func earliestAndLatestAreTheLogsEnds() {
        let earliest = OffsetResetPlan(positions: positions, target: .earliest)
        #expect(earliest.moves.map(\.target) == [100, 0])
        #expect(earliest.moves.map(\.current) == [120, nil])
        #expect(OffsetResetPlan(positions: positions, target: .latest).moves.map(\.target) == [150, 40])
    }

    @Test func aTimeAfterTheLastRecordIsTheLogEndAndSaysSo() {
        let found: [TopicPartition: Int64?] = [zero: 130, one: nil]
        let plan = OffsetResetPlan(positions: positions, target: .ago(.seconds(60)), timeOffsets: found)
        #expect(plan.moves.map(\.target) == [130, 40])
        #expect(plan.moves.map(\.note) == [nil, "no record at or after that time: log end"])
    }

    @Test func targetsStayWithinTheLog() {
        let plan = OffsetResetPlan(
            positions: positions, target: .time(milliseconds: 0), timeOffsets: [zero: 7, one: 90])
        #expect(plan.moves.map(\.target) == [100, 40])
        #expect(plan.moves.map(\.note) == ["before the log start: log start", "past the log end: log end"])
    }

    @Test func lagCountsFromTheCommittedOffsetOrTheLogStart() {
        #expect(positions.map(\.lag) == [30, 40])
        #expect(positions.map(\.lagBasis) == [.committed, .logStart])
        #expect(positions.map(\.nextRecordOffset) == [120, 0])
        let caughtUp = PartitionPosition(partition: zero, committed: 150, logStart: 100, logEnd: 150)
        #expect(caughtUp.lag == 0)
        #expect(caughtUp.nextRecordOffset == nil)
        let deleted = PartitionPosition(partition: zero, committed: 20, logStart: 100, logEnd: 150)
        #expect(deleted.lag == 130)
        #expect(deleted.nextRecordOffset == 100)
    }
}
