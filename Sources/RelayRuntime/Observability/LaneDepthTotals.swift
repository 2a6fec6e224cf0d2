import RelayCore
import Synchronization

/// The summed lane figures of the streams folded into the overflow stream label.
///
/// A gauge holds one value, so streams sharing `stream="_other"` cannot each set it; this keeps each folded stream's
/// latest figures and reports their sum. A stream whose lane is empty (nothing queued, nothing in flight) is
/// forgotten, so the map holds at most the lanes that are busy, which the pipeline already bounds.
final class LaneDepthTotals: Sendable {
    /// One lane's figures: the engine's `LaneDepth`.
    typealias Figures = LaneDepth

    private struct State {
        var byStream: [String: Figures] = [:]
        var total = Figures.zero
    }

    private let state = Mutex(State())

    init() {}

    /// Records `stream`'s latest figures and returns the new sum over all folded streams.
    func update(stream: String, to figures: Figures) -> Figures {
        state.withLock { state in
            let previous = state.byStream[stream] ?? .zero
            state.total = state.total - previous + figures
            if figures == .zero {
                state.byStream[stream] = nil
            } else {
                state.byStream[stream] = figures
            }
            return state.total
        }
    }
}
