import RelayCore
import Testing

@Suite("Sliding maximum")
struct SlidingMaximumTests {
    @Test func emptyUntilAValueIsRecorded() {
        let maximum = SlidingMaximum(window: .seconds(10))
        #expect(maximum.maximum(now: .seconds(3)) == nil)
    }

    @Test func keepsTheHighestValueOfTheWindowThenForgetsIt() {
        var maximum = SlidingMaximum(window: .seconds(10))
        maximum.record(40, now: .seconds(1))
        maximum.record(12, now: .seconds(2))
        maximum.record(25, now: .seconds(5))
        #expect(maximum.maximum(now: .seconds(5)) == 40)
        #expect(maximum.maximum(now: .seconds(10.9)) == 40, "still within 10 s of its slice")
        #expect(maximum.maximum(now: .seconds(11)) == 25, "40's slice left; 12's too at 12 s, 25's at 15 s")
        #expect(maximum.maximum(now: .seconds(14.9)) == 25)
        #expect(maximum.maximum(now: .seconds(15)) == nil)
    }

    @Test func aLaterValueReplacesAnOldSliceInTheSameSlot() {
        var maximum = SlidingMaximum(window: .seconds(10))
        maximum.record(90, now: .seconds(0.5))
        maximum.record(3, now: .seconds(10.5))  // same slot, ten slices later
        #expect(maximum.maximum(now: .seconds(10.5)) == 3)
    }

    @Test func memoryIsBoundedHoweverManyValuesArrive() {
        var maximum = SlidingMaximum(window: .seconds(1), slices: 4)
        for step in 0..<10_000 { maximum.record(10_000 - step, now: .seconds(Double(step) / 1000)) }
        #expect(maximum.maximum(now: .seconds(9.999)) == 10_000 - 9_000, "the first value of the oldest slice kept")
    }

    @Test func negativeInstantsAreSlicedLikeAnyOther() {
        var maximum = SlidingMaximum(window: .seconds(10))
        maximum.record(7, now: .seconds(-0.5))
        #expect(maximum.maximum(now: .seconds(0)) == 7)
        #expect(maximum.maximum(now: .seconds(8.9)) == 7)
        #expect(maximum.maximum(now: .seconds(9)) == nil, "its slice was [-1 s, 0 s)")
    }
}
