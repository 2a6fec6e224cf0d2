import RelayCore
import Testing

@Suite struct OffsetsToolGateTests {
    @Test func refusesWhileTheGroupHasMembersAndNamesThem() throws {
        let snapshot = ConsumerGroupSnapshot(
            state: "Stable",
            members: [
                .init(memberId: "rdkafka-1", clientId: "sync-relay", host: "/10.0.0.5"),
                .init(memberId: "rdkafka-2", clientId: "sync-relay", host: "/10.0.0.6", instanceId: "relay-b"),
            ])
        let refusal = try #require(OffsetResetGate.refusal(group: "relay", activity: .described(snapshot)))
        #expect(refusal.code == .groupActive)
        #expect(
            refusal.reason
                == "refusing to reset group relay: it has 2 active members: sync-relay on /10.0.0.5, sync-relay on "
                + "/10.0.0.6 (instance relay-b); stop the relays first (systemctl stop sync-relay on each host)")
    }

    @Test func refusesDuringARebalanceEvenWithoutMembers() {
        let snapshot = ConsumerGroupSnapshot(state: "PreparingRebalance", members: [])
        #expect(OffsetResetGate.refusal(group: "relay", activity: .described(snapshot))?.code == .groupActive)
    }

    @Test func allowsAnEmptyOrUnknownGroup() {
        for state in ["Empty", "Dead"] {
            let snapshot = ConsumerGroupSnapshot(state: state, members: [])
            #expect(OffsetResetGate.refusal(group: "relay", activity: .described(snapshot)) == nil)
            #expect(OffsetResetGate.warning(group: "relay", activity: .described(snapshot)) == nil)
        }
        let unknown = ConsumerGroupActivity.unknown(reason: "the broker does not support DescribeGroups")
        #expect(OffsetResetGate.refusal(group: "relay", activity: unknown) == nil)
        #expect(OffsetResetGate.warning(group: "relay", activity: unknown)?.contains("DescribeGroups") == true)
    }
}
