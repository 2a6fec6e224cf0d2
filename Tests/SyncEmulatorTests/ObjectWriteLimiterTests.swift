import Foundation
import Testing

@testable import SyncEmulator

/// The write budget alone, at explicit instants.
@Suite("Object write limiter")
struct ObjectWriteLimiterTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Admits (records) a write if it fits; whether it did.
    func write(_ limiter: inout ObjectWriteLimiter, cost: Double = 1, at seconds: Double) -> Bool {
        guard limiter.allows(cost: cost, at: at(seconds)) else { return false }
        limiter.record(cost: cost, at: at(seconds))
        return true
    }

    @Test func costsAKiBAUnitAndNeverLessThanOne() {
        #expect(ObjectWriteCost.of(dataBytes: nil) == 1)
        #expect(ObjectWriteCost.of(dataBytes: 1) == 1)
        #expect(ObjectWriteCost.of(dataBytes: 1024) == 1)
        #expect(ObjectWriteCost.of(dataBytes: 1536) == 1.5)
        #expect(ObjectWriteCost.of(dataBytes: 10_240) == 10)
        #expect(ObjectWriteCost.of(dataBytes: 16_384) == 16)
    }

    // Instants are multiples of 1/64 s, exact in binary, so window edges are exact.

    @Test func strictRefusesThe21stSmallWriteInASecondAndAcceptsOnceTheWindowMoves() {
        var limiter = ObjectWriteLimiter(rule: .strict())
        for index in 0..<20 { #expect(write(&limiter, at: Double(index) / 32)) }
        #expect(!write(&limiter, at: 0.75))
        #expect(!limiter.allows(cost: 1, at: at(1 - 1.0 / 64)))
        #expect(write(&limiter, at: 1), "the first write left the window")
        #expect(!write(&limiter, at: 1))
        #expect(write(&limiter, at: 1 + 1.0 / 32))
    }

    @Test func strictFitsTwoWritesOf10KiBASecond() {
        var limiter = ObjectWriteLimiter(rule: .strict(unitsPerSecond: 20))
        #expect(write(&limiter, cost: 10, at: 0))
        #expect(write(&limiter, cost: 10, at: 0.125))
        #expect(!write(&limiter, cost: 1, at: 0.25))
        #expect(write(&limiter, cost: 10, at: 1))
        #expect(!write(&limiter, cost: 10, at: 1.0625))
        #expect(write(&limiter, cost: 10, at: 1.125))
    }

    @Test func aBudgetSpentInFractionalCostsIsNotRefusedForARoundingError() {
        var limiter = ObjectWriteLimiter(rule: .strict(unitsPerSecond: 3.3))
        // 1.1 + 1.1 + 1.1 is 3.3000000000000003 in binary floating point.
        for _ in 0..<3 { #expect(write(&limiter, cost: 1.1, at: 0)) }
        #expect(!write(&limiter, cost: 0.1, at: 0.5))
    }

    @Test func windowedAllowsABurstOfTheWholeWindowAndThenRefuses() {
        var limiter = ObjectWriteLimiter(rule: .windowed(unitsPerSecond: 20, windowSeconds: 10))
        for _ in 0..<200 { #expect(write(&limiter, at: 0)) }
        #expect(!write(&limiter, at: 0))
        #expect(!write(&limiter, at: 10 - 1.0 / 64))
        #expect(write(&limiter, at: 10), "the burst left the window")
        // A steady write at the rate is always accepted.
        var steady = ObjectWriteLimiter(rule: .windowed(unitsPerSecond: 16, windowSeconds: 8))
        for index in 0..<400 { #expect(write(&steady, at: Double(index) / 16)) }
        #expect(!write(&steady, at: 399.0 / 16))
    }

    @Test func unlimitedAcceptsEverything() {
        var limiter = ObjectWriteLimiter(rule: .unlimited)
        for _ in 0..<1000 { #expect(write(&limiter, cost: 16, at: 0)) }
    }

    @Test func aLogTellsItsLargestCostInAnyWindow() {
        func log(_ writes: [(Double, Double)]) -> ObjectWriteLog {
            ObjectWriteLog(
                kind: .map, sid: "MP", uniqueName: nil, count: writes.count,
                writes: writes.map { AcceptedObjectWrite(at: at($0.0), cost: $0.1, operation: .update, itemKey: nil) })
        }
        let writes = log([(0, 1), (0.5, 10), (0.99, 2), (1.0, 5), (1.6, 1), (5, 3)])
        #expect(writes.largestCost(inAnyWindowOf: 1) == 17)
        #expect(writes.largestCost(inAnyWindowOf: 10) == 22)
        #expect(writes.largestCost(inAnyWindowOf: 0.4) == 10)
        #expect(log([]).largestCost(inAnyWindowOf: 1) == 0)
    }
}
