import Foundation
import RelayCore
import Testing

@Suite struct OffsetsToolReportTests {
    let now: Int64 = 1_796_635_800_000
    var positions: [PartitionPosition] {
        [
            PartitionPosition(
                partition: TopicPartition(topic: "orders", partition: 0), committed: 120, logStart: 100, logEnd: 150,
                nextRecordTimestamp: now - 192_000),
            PartitionPosition(
                partition: TopicPartition(topic: "orders", partition: 1), committed: nil, logStart: 0, logEnd: 40,
                nextRecordTimestamp: now - 42_000),
            PartitionPosition(
                partition: TopicPartition(topic: "orders", partition: 2), committed: 9, logStart: 0, logEnd: 9),
        ]
    }

    @Test func showPrintsTheGroupAndATable() {
        let snapshot = ConsumerGroupSnapshot(
            state: "Stable", members: [.init(memberId: "rdkafka-1a2b", clientId: "sync-relay", host: "/10.0.0.5")])
        let lines = OffsetsReport.show(
            group: "relay", activity: .described(snapshot), positions: positions, nowMilliseconds: now)
        #expect(
            lines == [
                "group relay: Stable, 1 active member",
                "  MEMBER        CLIENT      HOST       INSTANCE",
                "  rdkafka-1a2b  sync-relay  /10.0.0.5  -",
                "",
                "TOPIC   PARTITION  COMMITTED  LOG START  LOG END  LAG  NEXT RECORD AGE",
                "orders          0        120        100      150   30  3m12s",
                "orders          1       none          0       40  40*  42s",
                "orders          2          9          0        9    0  \u{2014}",
                "",
                "lag = log end - committed; * nothing committed: lag = log end - log start",
                "next record age: now - timestamp of the record the group relays next; \u{2014} caught up",
            ])
    }

    @Test func showSaysWhenMembershipIsUnknown() {
        let lines = OffsetsReport.groupLines(group: "relay", activity: .unknown(reason: "no DescribeGroups"))
        #expect(lines == ["group relay: state unknown (no DescribeGroups)"])
    }

    @Test func showJSONCarriesNumbersAndNulls() throws {
        let text = OffsetsReport.showJSON(
            group: "relay", activity: .described(.init(state: "Empty", members: [])), positions: positions,
            nowMilliseconds: now)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "Empty")
        let partitions = try #require(object["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["lag"] as? Int } == [30, 40, 0])
        #expect(partitions[1]["committed"] is NSNull)
        #expect(partitions[1]["lagFrom"] as? String == "logStart")
        #expect(partitions[0]["nextRecordAgeMs"] as? Int == 192_000)
        #expect(partitions[2]["nextRecordAgeMs"] is NSNull)
    }

    @Test func resetPrintsMovesAndTheDryRunNotice() {
        let plan = OffsetResetPlan(positions: positions, target: .latest)
        let lines = OffsetsReport.reset(group: "relay", target: .latest, plan: plan)
        #expect(
            lines == [
                "reset group relay to latest:",
                "TOPIC   PARTITION  COMMITTED  NEW  NOTE",
                "orders          0        120  150",
                "orders          1       none   40",
                "orders          2          9    9",
                "dry run: nothing changed; add --execute to commit these offsets",
            ])
    }

    @Test func resetPrintsEachPartitionsResult() {
        let plan = OffsetResetPlan(positions: Array(positions.prefix(2)), target: .earliest)
        let results: [TopicPartition: String?] = [
            TopicPartition(topic: "orders", partition: 0): nil,
            TopicPartition(topic: "orders", partition: 1): "Broker: Unknown member",
        ]
        let lines = OffsetsReport.reset(group: "relay", target: .earliest, plan: plan, results: results)
        #expect(lines.last == "orders          1       none    0        failed: Broker: Unknown member")
        #expect(lines[2] == "orders          0        120  100        committed")
        #expect(!lines.contains { $0.hasPrefix("dry run") })
    }
}
