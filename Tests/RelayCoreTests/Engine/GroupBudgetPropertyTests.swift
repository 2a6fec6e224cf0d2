import Foundation
import RelayCore
import Testing

/// Scale-out never overshoots (issue 34, docs/decisions/0009-group-budget.md): a consumer group of engines on one
/// manual clock (`GroupSimulation`), with random partition counts (1–12), 1–6 members joining at random phases,
/// random assignments moved by eager, cooperative and KIP-848 rebalances, members killed and rejoining, and each
/// member's own latency and jitter. Twilio's sliding one-second windows, counted on arrival over all members' sends,
/// never hold more than the stream's rate. `SYNC_RELAY_GROUP_CASES` sets the number of seeded cases (default 2,000);
/// `SYNC_RELAY_GROUP_SEED=N` replays one.
@Suite struct GroupBudgetPropertyTests {
    static let cases = Int(ProcessInfo.processInfo.environment["SYNC_RELAY_GROUP_CASES"] ?? "") ?? 2000

    /// The seeds of a run: fixed, so CI and a developer run the same cases, and each failure names its seed.
    static func seeds(_ count: Int, salt: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: salt)
        return (0..<count).map { _ in generator.next() }
    }

    @Test(.timeLimit(.minutes(10)))
    func aGroupNeverSendsMoreThanTheRateInAnySecondForAnyAssignment() {
        var sent = 0
        var streams = 0
        for seed in Self.seeds(Self.cases, salt: 34) {
            var simulation = GroupSimulation(seed: seed)
            let over = simulation.run()
            #expect(over.isEmpty, "seed \(seed) (SYNC_RELAY_GROUP_SEED=\(seed)): \(over), moves \(simulation.moves)")
            if !over.isEmpty { return }
            sent += simulation.arrivals.values.reduce(0) { $0 + $1.count }
            streams += simulation.arrivals.count
        }
        print("group budget: \(Self.cases) cases, \(streams) streams, \(sent) messages, no second above the rate")
        #expect(sent > Self.cases * 100, "the cases sent next to nothing: \(sent)")
    }

    /// More partitions than the rate (whole allowances from `⌊rate × owned / all⌋`): guaranteed when every member
    /// owns at least `all / rate` partitions, which balanced assignments give.
    @Test(.timeLimit(.minutes(10)))
    func moreThanRatePartitionsStayWithinTheRateWhenBalanced() {
        for seed in Self.seeds(Self.cases / 4, salt: 3400) {
            var simulation = Self.moreThanRateCase(seed: seed)
            let over = simulation.run()
            #expect(
                over.isEmpty,
                "seed \(seed) (SYNC_RELAY_GROUP_RATE_SEED=\(seed)), rate \(simulation.rate): \(over), moves \(simulation.moves)"
            )
            if !over.isEmpty { return }
        }
    }

    /// A case of `moreThanRatePartitionsStayWithinTheRateWhenBalanced`: rate 3 to 8, more partitions, 1 to 3 members.
    static func moreThanRateCase(seed: UInt64) -> GroupSimulation {
        var generator = SeededGenerator(seed: seed)
        let rate = Int.random(in: 3...8, using: &generator)
        let members = Int.random(in: 1...3, using: &generator)
        return GroupSimulation(
            seed: seed, rate: rate, balanced: true, partitions: Int.random(in: (rate + 1)...12, using: &generator),
            memberCount: members)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYNC_RELAY_GROUP_RATE_SEED"] != nil))
    func replaysOneMoreThanRateSeed() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SYNC_RELAY_GROUP_RATE_SEED"] ?? "") ?? 0
        var simulation = Self.moreThanRateCase(seed: seed)
        let over = simulation.run()
        #expect(over.isEmpty, "seed \(seed): \(over), moves \(simulation.moves)")
        for stream in over.keys { print(simulation.busiestSecond(of: stream).joined(separator: "\n")) }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYNC_RELAY_GROUP_SEED"] != nil))
    func replaysOneSeed() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SYNC_RELAY_GROUP_SEED"] ?? "") ?? 0
        var simulation = GroupSimulation(seed: seed)
        let over = simulation.run()
        #expect(over.isEmpty, "seed \(seed): \(over), moves \(simulation.moves)")
        for stream in over.keys { print(simulation.busiestSecond(of: stream).joined(separator: "\n")) }
    }
}
