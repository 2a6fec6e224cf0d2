import Synchronization

/// Keeps a label's distinct values under a cap: the first `limit` values seen are reported as themselves, every
/// later one as `overflowValue`. Values are never forgotten, so a value keeps its own series for the process's life.
///
/// Thread-safe; one short lock per call.
final class LabelValueLimiter: Sendable {
    /// What a value past the cap is reported as.
    let overflowValue: String
    /// The most distinct values reported as themselves.
    let limit: Int
    private let admitted: Mutex<Set<String>>

    init(limit: Int, overflowValue: String) {
        precondition(limit >= 0, "a label value cap cannot be negative")
        self.limit = limit
        self.overflowValue = overflowValue
        admitted = Mutex([])
    }

    /// The value to report for `value`, and the number of admitted values when this call admitted a new one.
    func label(for value: String) -> (label: String, admittedCount: Int?) {
        admitted.withLock { admitted in
            if admitted.contains(value) { return (value, nil) }
            guard admitted.count < limit else { return (overflowValue, nil) }
            admitted.insert(value)
            return (value, admitted.count)
        }
    }
}
