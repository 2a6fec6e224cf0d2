import RelayCore
import Testing

@Suite struct OffsetsToolTargetTests {
    @Test func readsEarliestLatestTimesAndDurationsAgo() throws {
        #expect(try OffsetResetTarget(parsing: "earliest") == .earliest)
        #expect(try OffsetResetTarget(parsing: "latest") == .latest)
        #expect(try OffsetResetTarget(parsing: "-15m") == .ago(.seconds(900)))
        #expect(try OffsetResetTarget(parsing: "-2h") == .ago(.seconds(7200)))
        #expect(try OffsetResetTarget(parsing: "-500ms") == .ago(.milliseconds(500)))
        #expect(try OffsetResetTarget(parsing: "2026-12-07T09:30:00Z") == .time(milliseconds: 1_796_635_800_000))
        #expect(
            try OffsetResetTarget(parsing: "2026-12-07T10:30:00.250+01:00") == .time(milliseconds: 1_796_635_800_250))
    }

    @Test(arguments: ["", "15m", "-15", "-15 m", "-0s", "yesterday", "2026-12-07", "2026-12-07T09:30:00", "Earliest"])
    func refusesWhatIsNotATarget(_ text: String) {
        #expect(throws: OffsetsToolError.self) { try OffsetResetTarget(parsing: text) }
        do {
            _ = try OffsetResetTarget(parsing: text)
        } catch {
            #expect(error.code == .badInput)
            #expect(error.reason.contains("--to \(text)"))
        }
    }

    @Test func resolvesTheMomentToLookUp() throws {
        let now: Int64 = 1_796_635_800_000
        #expect(OffsetResetTarget.earliest.timestamp(nowMilliseconds: now) == nil)
        #expect(OffsetResetTarget.latest.timestamp(nowMilliseconds: now) == nil)
        #expect(OffsetResetTarget.ago(.seconds(900)).timestamp(nowMilliseconds: now) == now - 900_000)
        #expect(OffsetResetTarget.time(milliseconds: 42).timestamp(nowMilliseconds: now) == 42)
        // Kafka reads -1 and -2 as latest and earliest: a time before 1970 looks up 1970 instead.
        #expect(OffsetResetTarget.time(milliseconds: -1).timestamp(nowMilliseconds: now) == 0)
        #expect(try OffsetResetTarget(parsing: "1969-12-31T23:59:59.999Z").timestamp(nowMilliseconds: now) == 0)
    }

    @Test func printsTargetsAsTheyAreWritten() {
        #expect(OffsetResetTarget.ago(.seconds(900)).description == "-15m")
        #expect(OffsetResetTarget.time(milliseconds: 1_796_635_800_000).description == "2026-12-07T09:30:00Z")
        #expect(OffsetResetTarget.time(milliseconds: 1_796_635_800_250).description == "2026-12-07T09:30:00.250Z")
    }

    @Test func printsAgesInAtMostTwoUnits() {
        #expect(OffsetsTime.age(milliseconds: -5) == "0s")
        #expect(OffsetsTime.age(milliseconds: 850) == "850ms")
        #expect(OffsetsTime.age(milliseconds: 42_000) == "42s")
        #expect(OffsetsTime.age(milliseconds: 192_000) == "3m12s")
        #expect(OffsetsTime.age(milliseconds: 3_600_000) == "1h")
        #expect(OffsetsTime.age(milliseconds: 18_240_000) == "5h4m")
        #expect(OffsetsTime.age(milliseconds: 183_600_000) == "2d3h")
    }
}
