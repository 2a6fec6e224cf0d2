/// The fastest recent round trip of any stream (the lowest of their arrival guards' baselines) and when it was
/// measured. The arrival guards count excess latency from it (`ArrivalGuard.earliestSend`), so a queue that forms
/// at the start is counted as excess (decision 0005). A floor older than `horizon` is replaced by the next stream's
/// baseline, so a lasting slower path is learnt.
struct RoundTripFloor: Sendable {
    /// How long a floor stands before any stream's baseline replaces it.
    static let horizon: Duration = .seconds(10)

    private var floor: (nanoseconds: Int64, measuredAt: Instant)?

    /// The floor in nanoseconds (nil before any stream measured a baseline).
    var nanoseconds: Int64? { floor?.nanoseconds }

    /// Learns `candidate` (a stream's baseline round trip, nil: none yet) at `now`: it becomes the floor when lower,
    /// or when the floor is older than `horizon`.
    mutating func learn(_ candidate: Int64?, now: Instant) {
        guard let candidate else { return }
        if let floor, candidate > floor.nanoseconds, now - floor.measuredAt <= Self.horizon { return }
        floor = (candidate, now)
    }
}
