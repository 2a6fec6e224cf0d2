import RelayCore
import Testing

/// The engine's side of scale-out (issue 34, docs/decisions/0009-group-budget.md): whole-message allowances and the
/// hold before a newly assigned partition counts, on a manual clock with the real hold (`RelayEngine.handoffHold`).
@Suite struct RelayEngineHandoffTests {
    typealias Driver = RelayEngineKeyedTests.Driver

    func driver(template: String = "{topic}") -> Driver {
        let configuration = engineConfiguration(
            defaults: [JSONMember("stream", .string(template)), JSONMember("maxRecordsPerMessage", .number("1"))],
            deadLetters: false)
        return Driver(engine: RelayEngine(settings: .init(configuration: configuration, deadLetters: false)))
    }

    func partitions(_ numbers: [Int32]) -> [TopicPartition] {
        numbers.map { TopicPartition(topic: "orders", partition: $0) }
    }

    func assignment(_ numbers: [Int32], of count: Int = 4) -> PartitionAssignment {
        PartitionAssignment(partitions: Set(partitions(numbers)), partitionCounts: ["orders": count])
    }

    func records(_ partition: Int32, _ offsets: Range<Int64>) -> [SourceRecord] {
        offsets.map {
            SourceRecord(topic: "orders", partition: partition, offset: $0, key: nil, value: Array("{}".utf8))
        }
    }

    /// Runs until `until`, answering everything at once; returns the send instants of stream `name`.
    func run(_ driver: inout Driver, until: Instant, stream name: String = "orders") -> [Instant] {
        var times: [Instant] = []
        while driver.now < until {
            driver.acceptCreates()
            for request in driver.publishes where request.stream == name { times.append(driver.now) }
            driver.acceptPublishes()
            guard let at = driver.wake, at <= until else { break }
            driver.advance(to: at)
        }
        return times
    }

    func allowances(_ driver: Driver) -> [Double] {
        driver.reports.compactMap { if case .allowance(_, let messages, _) = $0 { messages } else { nil } }
    }

    @Test func aNewMemberSendsNothingForOneHoldThenItsWholeAllowance() {
        var driver = driver()
        let start = driver.now
        driver.handle(.partitionsAssigned(partitions([1, 2]), assignment: assignment([1, 2])))
        driver.handle(.recordsReceived(records(1, 0..<200) + records(2, 0..<200)))
        let times = run(&driver, until: start + .seconds(5))
        #expect(times.first.map { $0 - start } == RelayEngine.handoffHold, "the first send waits for the hold")
        #expect(maximumInAnySecond(times) == 15, "partitions 1 and 2 of 4 carry 8 + 7 messages per window")
        #expect(allowances(driver) == [15])
    }

    @Test func aPartitionGainedLaterRaisesTheAllowanceOnlyAfterTheHold() {
        var driver = driver()
        let start = driver.now
        driver.handle(.partitionsAssigned(partitions([0]), assignment: assignment([0])))
        driver.handle(.recordsReceived(records(0, 0..<300)))
        var times = run(&driver, until: start + .seconds(4))
        #expect(maximumInAnySecond(times) == 7, "partition 0 of 4: 7 messages per window")
        // Cooperative: partition 3 moves here from a member that may have sent on it until just now.
        let gained = driver.now
        driver.handle(.partitionsAssigned(partitions([3]), assignment: assignment([0, 3])))
        driver.handle(.recordsReceived(records(3, 0..<300)))
        times = run(&driver, until: gained + .seconds(4))
        let held = times.filter { $0 < gained + RelayEngine.handoffHold }
        let after = times.filter { $0 >= gained + RelayEngine.handoffHold + .seconds(1) }
        #expect(maximumInAnySecond(held) <= 7, "the old allowance while partition 3 is held: \(held.count)")
        #expect(maximumInAnySecond(after) == 15, "7 + 8 once it counts")
        #expect(allowances(driver) == [7, 15])
    }

    @Test func anEagerRebalanceThatGivesThePartitionsBackDoesNotHoldThem() {
        var driver = driver()
        let start = driver.now
        driver.handle(.partitionsAssigned(partitions([0, 1]), assignment: assignment([0, 1])))
        driver.handle(.recordsReceived(records(0, 0..<300)))
        _ = run(&driver, until: start + .seconds(3))
        // Eager: everything is revoked, drained, then (almost) the same partitions come back.
        driver.handle(.partitionsRevoked(partitions([0, 1]), remaining: assignment([])))
        _ = run(&driver, until: driver.now + .milliseconds(50))
        driver.handle(.revokeDrainEnded(partitions([0, 1])))
        let back = driver.now
        driver.handle(.partitionsAssigned(partitions([0, 1]), assignment: assignment([0, 1])))
        driver.handle(.recordsReceived(records(0, 0..<300)))
        let times = run(&driver, until: back + .seconds(2))
        #expect(times.first.map { $0 - back } ?? .seconds(9) < .milliseconds(100), "partitions 0 and 1 were its own")
        #expect(maximumInAnySecond(times) == 15)
    }

    /// `all` is named without `{topic}`, so orders (4 partitions) and rides (2) both feed it: owning the four of
    /// orders is 4 of its 6 partitions, 20 messages per window, not the whole of a topic's 30.
    @Test func aStreamFedBySeveralTopicsSharesItsBudgetOverAllTheirPartitions() {
        var driver = driver(template: "all")
        let start = driver.now
        driver.handle(
            .partitionsAssigned(
                partitions([0, 1, 2, 3]),
                assignment: PartitionAssignment(
                    partitions: Set(partitions([0, 1, 2, 3])), partitionCounts: ["orders": 4, "rides": 2])))
        driver.handle(.recordsReceived((0..<4).flatMap { records(Int32($0), 0..<100) }))
        let times = run(&driver, until: start + .seconds(5), stream: "all")
        #expect(maximumInAnySecond(times) == 20)
        #expect(allowances(driver) == [20])
    }

    @Test func aStreamFedByOnePartitionIsHeldUntilItsPartitionCounts() {
        var driver = driver(template: "o-{partition}")
        let start = driver.now
        driver.handle(.partitionsAssigned(partitions([2]), assignment: assignment([2])))
        driver.handle(.recordsReceived(records(2, 0..<200)))
        let times = run(&driver, until: start + .seconds(4), stream: "o-2")
        #expect(times.first.map { $0 - start } == RelayEngine.handoffHold)
        #expect(maximumInAnySecond(times) == 30, "its owner has the whole budget")
        #expect(allowances(driver).isEmpty, "no group allowance for a stream one partition feeds")
    }
}
