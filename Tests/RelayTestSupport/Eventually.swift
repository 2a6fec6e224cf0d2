import RelayTimers
import Testing

/// Polls `condition` every 20 ms until it holds or `timeout` passes; records an issue (at the caller's line) on
/// timeout. Tests wait for conditions this way, never by sleeping and hoping.
public func eventually(
    _ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition() {
        if ContinuousClock.now >= deadline {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        try? await Timers.sleep(for: .milliseconds(20))
    }
}
