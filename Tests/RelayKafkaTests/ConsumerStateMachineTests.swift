import RelayCore
import Testing

@testable import RelayKafka

/// The consumer's life without librdkafka: the stop deadline and the fatal error kept once, commits of what
/// changed only, and eager versus cooperative assignments.
@Suite struct ConsumerStateMachineTests {
    let start = ContinuousClock.now
    let orders0 = TopicPartition(topic: "orders", partition: 0)
    let orders1 = TopicPartition(topic: "orders", partition: 1)

    func machine() -> ConsumerStateMachine {
        ConsumerStateMachine(commitInterval: .seconds(5), stopBudget: .seconds(18), now: start)
    }

    @Test func theStopDeadlineIsSetOnceAndCapsEveryLaterWait() {
        var state = machine()
        #expect(state.cappedByStop(start.advanced(by: .seconds(60))) == start.advanced(by: .seconds(60)))
        let deadline = state.stop(now: start)
        #expect(deadline == start.advanced(by: .seconds(18)))
        let again = state.stop(now: start.advanced(by: .seconds(10)))
        #expect(again == deadline, "a second stop does not move it")
        #expect(state.cappedByStop(start.advanced(by: .seconds(60))) == deadline)
        let step = state.nextStep(now: start)
        #expect(step == .leave)
    }

    @Test func aFatalErrorIsKeptFromItsFirstReportAndEndsThePollLoop() {
        var state = machine()
        let first = KafkaError(code: .fatal, reason: "fenced", librdkafkaCode: 82)
        let reported = state.fatal(first)
        let reportedAgain = state.fatal(KafkaError(code: .fatal, reason: "again", librdkafkaCode: -150))
        #expect(reported && !reportedAgain)
        #expect(state.fatalError == first)
        _ = state.stop(now: start)
        let step = state.nextStep(now: start)
        #expect(step == .fail, "a fatal error wins over a stop: no commit, no close")
    }

    @Test func commitsComeEveryIntervalAndSendOnlyWhatChanged() {
        var state = machine()
        _ = state.assigned([orders0, orders1], eager: true)
        let steps = [1, 5, 6].map { state.nextStep(now: start.advanced(by: .seconds($0))) }
        #expect(steps == [.poll, .commitThenPoll, .poll])
        let nothing = state.commit()
        #expect(nothing == nil, "nothing handed over yet")
        state.handOver([orders0: 10, orders1: 4])
        #expect(state.hasUncommitted)
        let first = state.commit()
        #expect(first?.offsets.map(\.1) == [10, 4])
        let second = state.commit()
        #expect(second?.token != first?.token)
        #expect(
            state.isCurrent(token: second!.token) && !state.isCurrent(token: first!.token),
            "a late answer is not the current one")
        state.committed(second!.offsets)
        #expect(!state.hasUncommitted)
        let unchanged = state.commit()
        #expect(unchanged == nil, "nothing changed since the broker acknowledged it")
        state.handOver([orders0: 12, orders1: 4])
        let changed = state.commit()
        #expect(changed?.offsets.map(\.0) == [orders0])
        _ = state.revoking([orders0])
        state.revoked([orders0])
        #expect(state.committed[orders0] == nil && state.committed[orders1] == 4)
        #expect(state.handedOver[orders0] == nil)
    }

    /// Offsets handed over are kept only for partitions this member owns or is revoking: a hand-over that arrives
    /// after its partition left is never committed by this member (it would move the new owner's offset back).
    @Test func handedOverOffsetsAreKeptOnlyForPartitionsStillOwned() {
        var state = machine()
        _ = state.assigned([orders0, orders1], eager: true)
        state.handOver([orders0: 3, orders1: 7])
        let remaining = state.revoking([orders0])
        #expect(remaining.partitions == [orders1])
        state.handOver([orders0: 5])
        #expect(state.handedOver[orders0] == 5, "a revoke's final offsets are taken while it is under way")
        let revokeCommit = state.commit(only: [orders0])
        #expect(revokeCommit?.offsets.map(\.0) == [orders0], "the revoke commits its own partitions only")
        state.revoked([orders0])
        state.handOver([orders0: 9, orders1: 8])
        #expect(state.handedOver == [orders1: 8], "orders-0 left: its late hand-over is ignored")
        state.rebalanceFailed()
        let afterFailure = state.commit()
        #expect(state.handedOver.isEmpty && afterFailure == nil)
    }

    @Test func eagerAssignmentsReplaceAndCooperativeOnesAdd() {
        var state = machine()
        #expect(!state.hasBeenAssigned)
        let eager = state.assigned([orders0], eager: true)
        let added = state.assigned([orders1], eager: false)
        let replaced = state.assigned([orders1], eager: true)
        #expect(
            eager.partitions == [orders0] && added.partitions == [orders0, orders1] && replaced.partitions == [orders1])
        let counted = state.learnPartitionCounts(["orders": 2])
        #expect(counted.share(of: "orders") == 0.5)
        let remaining = state.revoking([orders1])
        #expect(remaining.partitions.isEmpty)
        #expect(state.hasBeenAssigned)
    }
}
