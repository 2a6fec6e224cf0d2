import RelayCore
import Testing

/// `PartitionHandoffs`: a new partition counts only once its previous owner's sends can no longer share a window
/// with this member's (docs/decisions/0009-group-budget.md).
@Suite struct PartitionHandoffsTests {
    let orders0 = TopicPartition(topic: "orders", partition: 0)
    let orders1 = TopicPartition(topic: "orders", partition: 1)
    let hold = Duration.milliseconds(1100)

    @Test func aNewPartitionCountsOneHoldAfterItsAssignment() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        #expect(!handoffs.counts(orders0, now: .seconds(10)))
        #expect(!handoffs.counts(orders0, now: .seconds(11)))
        #expect(handoffs.counts(orders0, now: .seconds(10) + hold))
        #expect(handoffs.nextChange(after: .seconds(10)) == Instant.seconds(10) + hold)
        #expect(handoffs.nextChange(after: .seconds(12)) == nil)
        #expect(handoffs.partitions(of: "orders") == [orders0])
    }

    @Test func aPartitionCountsWhileDrainingAndStopsWhenTheDrainEnds() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        // A revoke starts: nothing changes until its drain ends.
        #expect(handoffs.counts(orders0, now: .seconds(20)))
        handoffs.released(orders0, now: .seconds(21))
        #expect(!handoffs.counts(orders0, now: .seconds(21)))
        #expect(handoffs.partitions(of: "orders").isEmpty)
    }

    @Test func aPartitionGivenBackWithinTheHoldCountsAsBefore() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        handoffs.released(orders0, now: .seconds(20))
        // An eager rebalance: revoked, then assigned back 300 ms later; nobody else could have counted it.
        handoffs.assigned(orders0, now: .seconds(20) + .milliseconds(300))
        #expect(handoffs.counts(orders0, now: .seconds(20) + .milliseconds(300)))
    }

    @Test func aPartitionGivenBackAfterTheHoldIsHeldAgain() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        handoffs.released(orders0, now: .seconds(20))
        // Another member may have held it and sent on it since.
        handoffs.assigned(orders0, now: .seconds(22))
        #expect(!handoffs.counts(orders0, now: .seconds(22)))
        #expect(handoffs.counts(orders0, now: .seconds(22) + hold))
    }

    /// Released before it counted, the partition may have gone to a member that counted it at once (its own, given
    /// back), so coming back it is held anew (a group simulation seed found the chain).
    @Test func aPartitionGivenBackBeforeItCountedIsHeldAnew() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        handoffs.released(orders0, now: .seconds(10) + .milliseconds(200))
        handoffs.assigned(orders0, now: .seconds(10) + .milliseconds(400))
        #expect(!handoffs.counts(orders0, now: .seconds(10) + hold))
        #expect(handoffs.counts(orders0, now: .seconds(10) + .milliseconds(400) + hold))
    }

    @Test func anAssignmentAgainDoesNotRestartTheHold() {
        var handoffs = PartitionHandoffs(hold: hold)
        handoffs.assigned(orders0, now: .seconds(10))
        handoffs.assigned(orders1, now: .seconds(11))
        handoffs.assigned(orders0, now: .seconds(11))
        #expect(handoffs.counts(orders0, now: .seconds(10) + hold))
        #expect(handoffs.nextChange(after: .seconds(11)) == Instant.seconds(10) + hold)
    }

    @Test func aZeroHoldCountsAtOnce() {
        var handoffs = PartitionHandoffs(hold: .zero)
        handoffs.assigned(orders0, now: .seconds(10))
        #expect(handoffs.counts(orders0, now: .seconds(10)))
        #expect(handoffs.nextChange(after: .seconds(10)) == nil)
    }
}
