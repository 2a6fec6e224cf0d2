/// The highest value recorded over the last `window`, kept in `slices` equal slices of time: recording and reading
/// cost a few comparisons, and memory is `slices` pairs however many values arrive (bounded by construction, where a
/// monotonic queue of samples would grow with a falling series). A value counts from when it was recorded until its
/// slice leaves the window: between `window - window / slices` and `window` later.
///
/// Pure: the caller passes `now`.
public struct SlidingMaximum: Sendable, Equatable {
    /// How long a value counts.
    public let window: Duration
    /// The length of one slice, in nanoseconds (at least 1).
    private let sliceNanoseconds: Int64
    /// Each slot's slice (its start divided by the slice length), or `Int64.min` when empty.
    private var sliceIndices: [Int64]
    /// Each slot's highest value.
    private var maxima: [Int]

    /// A maximum over `window` (at least 1 ns) in `slices` (at least 1) slices.
    public init(window: Duration, slices: Int = 10) {
        let count = max(1, slices)
        self.window = max(window, .nanoseconds(1))
        sliceNanoseconds = max(1, self.window.nanosecondsClamped / Int64(count))
        sliceIndices = Array(repeating: .min, count: count)
        maxima = Array(repeating: 0, count: count)
    }

    private func sliceIndex(_ now: Instant) -> Int64 {
        let quotient = now.nanoseconds / sliceNanoseconds
        return now.nanoseconds < 0 && now.nanoseconds % sliceNanoseconds != 0 ? quotient - 1 : quotient
    }

    private func slot(_ index: Int64) -> Int {
        let count = Int64(sliceIndices.count)
        return Int(((index % count) + count) % count)
    }

    /// Records `value` at `now`.
    public mutating func record(_ value: Int, now: Instant) {
        let index = sliceIndex(now)
        let slot = slot(index)
        if sliceIndices[slot] == index {
            maxima[slot] = max(maxima[slot], value)
        } else if sliceIndices[slot] < index {
            sliceIndices[slot] = index
            maxima[slot] = value
        }  // an older instant than the slot's slice (time went back): too old to count, ignored
    }

    /// The highest value recorded in the window ending at `now`, or nil when none was.
    public func maximum(now: Instant) -> Int? {
        let current = sliceIndex(now)
        let oldest = current - Int64(sliceIndices.count) + 1
        var highest: Int?
        for (slot, index) in sliceIndices.enumerated() where index >= oldest && index <= current {
            highest = max(highest ?? .min, maxima[slot])
        }
        return highest
    }
}
