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
        #expect(state.stop(now: start.advanced(by: .seconds(10))) == deadline, "a second stop does not move it")
        #expect(state.cappedByStop(start.advanced(by: .seconds(60))) == deadline)
        #expect(state.nextStep(now: start) == .leave)
    }

    @Test func aFatalErrorIsKeptFromItsFirstReportAndEndsThePollLoop() {
        var state = machine()
        let first = KafkaError(code: .fatal, reason: "fenced", librdkafkaCode: 82)
        #expect(state.fatal(first))
        #expect(!state.fatal(KafkaError(code: .fatal, reason: "again", librdkafkaCode: -150)))
        #expect(state.fatalError == first)
        _ = state.stop(now: start)
        #expect(state.nextStep(now: start) == .fail, "a fatal error wins over a stop: no commit, no close")
    }

    @Test func commitsComeEveryIntervalAndSendOnlyWhatChanged() {
        var state = machine()
        #expect(state.nextStep(now: start.advanced(by: .seconds(1))) == .poll)
        #expect(state.nextStep(now: start.advanced(by: .seconds(5))) == .commitThenPoll)
        #expect(state.nextStep(now: start.advanced(by: .seconds(6))) == .poll)
        let first = state.commit([orders0: 10, orders1: 4])
        #expect(first?.offsets.map(\.1) == [10, 4])
        let second = state.commit([orders0: 10, orders1: 4])
        #expect(second?.token != first?.token)
        #expect(state.isCurrent(token: second!.token) && !state.isCurrent(token: first!.token), "a late answer is not the current one")
        state.committed(second!.offsets)
        #expect(state.commit([orders0: 10, orders1: 4]) == nil, "nothing changed since the broker acknowledged it")
        #expect(state.commit([orders0: 12, orders1: 4])?.offsets.map(\.0) == [orders0])
        state.revoked([orders0])
        #expect(state.committed[orders0] == nil && state.committed[orders1] == 4)
    }

    @Test func eagerAssignmentsReplaceAndCooperativeOnesAdd() {
        var state = machine()
        #expect(!state.hasBeenAssigned)
        #expect(state.assigned([orders0], eager: true).partitions == [orders0])
        #expect(state.assigned([orders1], eager: false).partitions == [orders0, orders1])
        #expect(state.assigned([orders1], eager: true).partitions == [orders1])
        #expect(state.learnPartitionCounts(["orders": 2]).share(of: "orders") == 0.5)
        #expect(state.revoking([orders1]).partitions.isEmpty)
        #expect(state.hasBeenAssigned)
    }
}
