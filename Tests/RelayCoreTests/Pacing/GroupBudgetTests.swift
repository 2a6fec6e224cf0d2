import RelayCore
import Testing

/// `GroupBudget`: whole messages per window that sum to at most the rate over the group, for any assignment
/// (docs/decisions/0009-group-budget.md).
@Suite struct GroupBudgetTests {
    /// Every way of dealing `count` partitions to up to `members` members (each partition to one of them).
    static func assignments(partitions count: Int, members: Int) -> [[Int]] {
        var all: [[Int]] = [[]]
        for _ in 0..<count { all = all.flatMap { prefix in (0..<members).map { prefix + [$0] } } }
        return all
    }

    @Test func theIssuesSplitGetsSevenFifteenAndEightInsteadOfThirtyOne() {
        // 4 partitions over 3 members, 1/4, 2/4 and 1/4: 7.39 + 14.78 + 7.39 as fractions put 8 + 15 + 8 in a second.
        let members = [[0], [1, 2], [3]].map {
            GroupBudget.allowance(rate: 30, indices: $0, partitionCount: 4)!.messagesPerWindow
        }
        #expect(members == [7, 15, 8])
        #expect(members.reduce(0, +) == 30, "nothing lost to rounding")
    }

    @Test func partitionQuotasSumToTheRateForEveryCountUpToTheRate() {
        for rate in 1...30 {
            for count in 1...rate {
                let quotas = (0..<count).map { GroupBudget.quota(ofPartition: $0, partitionCount: count, rate: rate) }
                #expect(quotas.reduce(0, +) == rate, "rate \(rate), \(count) partitions: \(quotas)")
                #expect(quotas.allSatisfy { $0 >= 1 && $0 >= rate / count && $0 <= rate / count + 1 })
            }
        }
    }

    /// Exhaustively for small groups: every assignment of up to 7 partitions to up to 4 members, at several rates,
    /// sums to at most the rate (exactly the rate when the partitions are no more than the rate).
    /// The range assignor hands out runs of consecutive partitions: each run carries its fair share, rounded.
    @Test func consecutivePartitionsCarryTheirFairShareRounded() {
        for rate in 1...30 {
            for count in 1...rate {
                for start in 0..<count {
                    for end in (start + 1)...count {
                        let messages = GroupBudget.allowance(
                            rate: rate, indices: Array(start..<end), partitionCount: count)!.messagesPerWindow
                        let fair = Double(rate * (end - start)) / Double(count)
                        #expect(messages >= fair.rounded(.down) && messages <= fair.rounded(.up))
                    }
                }
            }
        }
    }

    @Test func everyAssignmentSumsToAtMostTheRate() {
        for rate in [1, 2, 3, 5, 7, 10, 30] {
            for count in 1...7 {
                for assignment in Self.assignments(partitions: count, members: 4) {
                    var total = 0.0
                    var guaranteed = true
                    for member in 0..<4 {
                        let owned = assignment.indices.filter { assignment[$0] == member }
                        guard let allowance = GroupBudget.allowance(rate: rate, indices: owned, partitionCount: count)
                        else { continue }
                        total += allowance.messagesPerWindow < 1 ? 1 : allowance.messagesPerWindow
                        guaranteed = guaranteed && allowance.guaranteed
                        #expect(allowance.messagesPerWindow > 0)
                    }
                    if count <= rate { #expect(total == Double(rate), "rate \(rate), \(assignment)") }
                    if guaranteed { #expect(total <= Double(rate), "rate \(rate), \(assignment): \(total)") }
                }
            }
        }
    }

    @Test func morePartitionsThanTheRateGiveWholeMessagesWhileEachMemberOwnsEnough() {
        // 64 partitions, rate 30: 21, 21 and 22 partitions give 9, 9 and 10 (28 of 30).
        let allowances = [21, 21, 22].map {
            GroupBudget.allowance(rate: 30, indices: Array(0..<$0), partitionCount: 64)!
        }
        #expect(allowances.map(\.messagesPerWindow) == [9, 9, 10])
        #expect(allowances.allSatisfy { $0.guaranteed })
        // One partition of 64 is below one message per window: a mean rate, and said to be unguaranteed.
        let small = GroupBudget.allowance(rate: 30, indices: [5], partitionCount: 64)!
        #expect(small.messagesPerWindow == 30.0 / 64)
        #expect(!small.guaranteed)
        #expect(GroupBudget.allowance(rate: 30, indices: [Int](), partitionCount: 64) == nil)
    }

    @Test func theShareGivesThePacerItsWholeMessagesPerWindow() {
        for owned in 1...4 {
            let allowance = GroupBudget.allowance(rate: 30, indices: Array(0..<owned), partitionCount: 4)!
            var settings = PacerSettings(rate: 30 * 0.985, share: allowance.share(of: 30), guardsArrivals: true)
            #expect(settings.messagesPerWindow == Int(allowance.messagesPerWindow))
            settings.share = 1
            #expect(settings.messagesPerWindow == 30)
        }
    }

    /// A pacer at a member's allowance never puts more than the allowance in a closed second, so the members' sends
    /// add up to at most the rate (the fractional shares put 8 + 15 + 8 there).
    @Test func aPacerAtItsAllowanceNeverExceedsItInAnySecond() {
        for messages in 1...30 {
            var pacer = StreamPacer(
                settings: PacerSettings(
                    rate: 30 * 0.985, share: Double(messages) / 30, catchUp: .milliseconds(2), guardsArrivals: true))
            var now = Instant.zero
            var times: [Instant] = []
            while times.count < messages * 4 {
                now = pacer.nextAdmission(now: now)
                let admitted = pacer.admit(now: now)
                #expect(admitted)
                pacer.responded(ticket: pacer.nextTicket - 1, now: now + .milliseconds(20))
                times.append(now)
            }
            #expect(maximumInAnySecond(times) == messages, "\(messages) per window")
        }
    }
}
