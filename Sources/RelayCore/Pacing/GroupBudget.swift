/// How a stream's budget is divided among the members of a consumer group that all send to it
/// (docs/decisions/0009-group-budget.md).
///
/// Twilio counts a stream's messages as one sender's, whatever process sent them, so the members' allowances must
/// add up to at most `rate` in any one-second window, not only on average. A smooth pacer at `x` messages per second
/// can put `⌊x⌋ + 1` messages in one window, so fractional shares (7.39 + 14.78 + 7.39 for 1/4, 2/4 and 1/4 of 30)
/// overshoot together (8 + 15 + 8 = 31). Allowances are therefore **whole messages per window**, and each member
/// enforces its own as a window maximum (`StreamPacer`'s arrival guard looks exactly that many sends back).
///
/// Each member knows only its own partitions and each topic's partition count, so the division is a function of
/// those alone:
/// - **`partitionCount <= rate`**: every partition carries a whole quota, `⌊rate × (i + 1) / n⌋ − ⌊rate × i / n⌋`
///   for the partition at index `i` (in the order every member sees: topics by name, then partition number): each
///   is `⌊rate / n⌋` or one more, they sum to exactly `rate`, so the members' allowances do too, for any
///   assignment, with none lost to rounding; and any run of consecutive partitions (what the range assignor hands
///   out) carries its fair share rounded down or up.
/// - **`partitionCount > rate`**: a partition's quota would be below one message. A member gets
///   `⌊rate × owned / n⌋` whole messages, which sum to at most `rate`; a member owning fewer than `n / rate`
///   partitions gets its fraction as a mean rate with at most one message per window, which the others' rounding
///   does not always make room for (`Allowance.guaranteed` is false; the engine reports it). No rule that looks only
///   at a member's own partitions can do better: 29 members owning one partition each leave at most one message per
///   window to the member owning the rest.
public enum GroupBudget {
    /// One member's allowance of a stream's budget.
    public struct Allowance: Sendable, Equatable {
        /// Messages per one-second window: a whole number when `guaranteed`, else a fraction below one (a mean rate,
        /// at most one message in any window).
        public var messagesPerWindow: Double
        /// Whether the members' allowances are sure to sum to at most the rate, whoever owns the other partitions.
        public var guaranteed: Bool

        /// The allowance as a share of `rate`, for `PacerSettings.share`.
        public func share(of rate: Int) -> Double {
            min(1, messagesPerWindow / Double(rate))
        }
    }

    /// The whole messages per window that partition `index` (of `partitionCount`, `partitionCount <= rate`) carries.
    public static func quota(ofPartition index: Int, partitionCount: Int, rate: Int) -> Int {
        precondition(partitionCount > 0 && partitionCount <= rate, "\(partitionCount) partitions for rate \(rate)")
        precondition((0..<partitionCount).contains(index), "partition index \(index) of \(partitionCount)")
        return rate * (index + 1) / partitionCount - rate * index / partitionCount
    }

    /// The allowance of a member counting the partitions at `indices` (each in `0..<partitionCount`, no repeats) of
    /// a stream whose budget is `rate` messages per second. Nil when it counts none.
    public static func allowance(rate: Int, indices: some Collection<Int>, partitionCount: Int) -> Allowance? {
        precondition(rate > 0, "rate \(rate)")
        guard !indices.isEmpty, partitionCount > 0 else { return nil }
        if partitionCount <= rate {
            let messages = indices.reduce(0) { $0 + quota(ofPartition: $1, partitionCount: partitionCount, rate: rate) }
            return Allowance(messagesPerWindow: Double(messages), guaranteed: true)
        }
        let owned = min(indices.count, partitionCount)
        let whole = rate * owned / partitionCount
        if whole >= 1 { return Allowance(messagesPerWindow: Double(whole), guaranteed: true) }
        return Allowance(messagesPerWindow: Double(rate * owned) / Double(partitionCount), guaranteed: false)
    }
}
