import RelayCore

/// The most events found in any closed one-second window `[t, t + 1 s]` of sorted `times`.
func maximumInAnySecond(_ times: [Instant]) -> Int {
    var best = 0
    var start = 0
    for end in times.indices {
        while times[end].nanoseconds - times[start].nanoseconds > 1_000_000_000 { start += 1 }
        best = max(best, end - start + 1)
    }
    return best
}
