import RelayRuntime
import Synchronization

/// Per-stream totals for the demo's live view and summary; forwards every report to `inner` (the metrics), if any.
/// A keyed route's streams report under its template; `rows` maps such a label to the row of its topic.
final class DemoStatistics: RelayObserver {
    /// One stream's totals.
    struct Figures: Sendable {
        var recordsIn = 0
        var recordsOut = 0
        var messagesOut = 0
        var bytesOut = 0
        var queued = 0
        var dropped: [String: Int] = [:]
        var deadLettered = 0
        var retries = 0
        /// A keyed route: streams with state, created, released.
        var activeStreams = 0
        var streamsCreated = 0
        var streamsReleased = 0
        /// Decoded routes: records the filter rejected, records that could not be decoded.
        var filtered = 0
        var undecodable = 0
    }

    private let figures = Mutex<[String: Figures]>([:])
    private let inner: (any RelayObserver)?
    private let rows: [String: String]

    init(forwardingTo inner: (any RelayObserver)?, rows: [String: String] = [:]) {
        self.inner = inner
        self.rows = rows
    }

    /// A copy of every stream's totals (demo topics and streams share names).
    var snapshot: [String: Figures] { figures.withLock { $0 } }

    private func update(_ stream: String, _ change: (inout Figures) -> Void) {
        figures.withLock { change(&$0[rows[stream] ?? stream, default: Figures()]) }
    }

    func snapshotFinished(route: String, result: String, records: Int) {
        inner?.snapshotFinished(route: route, result: result, records: records)
    }

    func snapshotConflated(route: String) { inner?.snapshotConflated(route: route) }

    func snapshotRetried(route: String, reason: String) { inner?.snapshotRetried(route: route, reason: reason) }

    func snapshotAnswered(operation: String, latency: Duration) {
        inner?.snapshotAnswered(operation: operation, latency: latency)
    }

    func recordsConsumed(topic: String, count: Int) {
        update(topic) { $0.recordsIn += count }
        inner?.recordsConsumed(topic: topic, count: count)
    }
    func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration) {
        update(stream) {
            $0.recordsOut += records; $0.messagesOut += 1; $0.bytesOut += bytes
        }
        inner?.messagePublished(stream: stream, records: records, bytes: bytes, latency: latency)
    }
    func recordsAccepted(route: String, target: String, ages: [Duration]) {
        inner?.recordsAccepted(route: route, target: target, ages: ages)
    }
    func recordsDropped(stream: String, reason: String, count: Int) {
        update(stream) { $0.dropped[reason, default: 0] += count }
        inner?.recordsDropped(stream: stream, reason: reason, count: count)
    }
    func recordsDeadLettered(stream: String, reason: String, count: Int) {
        update(stream) { $0.deadLettered += count }
        inner?.recordsDeadLettered(stream: stream, reason: reason, count: count)
    }
    func publishRetried(stream: String, reason: String) {
        update(stream) { $0.retries += 1 }
        inner?.publishRetried(stream: stream, reason: reason)
    }
    func twilioResponse(statusClass: String, twilioCode: Int?) {
        inner?.twilioResponse(statusClass: statusClass, twilioCode: twilioCode)
    }
    func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int) {
        update(stream) { $0.queued = records }
        inner?.laneDepth(stream: stream, records: records, bytes: bytes, inFlight: inFlight)
    }
    func pacerWait(stream: String, wait: Duration) { inner?.pacerWait(stream: stream, wait: wait) }
    func streamCreated(stream: String, recreated: Bool) { inner?.streamCreated(stream: stream, recreated: recreated) }
    func ttlRefreshed(stream: String) { inner?.ttlRefreshed(stream: stream) }
    func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {
        inner?.partitionLag(topic: topic, partition: partition, consumerLag: consumerLag, commitLag: commitLag)
    }
    func partitionWaiting(topic: String, partition: Int32, oldest: Duration?) {
        inner?.partitionWaiting(topic: topic, partition: partition, oldest: oldest)
    }
    func readinessChanged(ready: Bool) { inner?.readinessChanged(ready: ready) }
    func recordsUnroutable(route: String, reason: String, count: Int) {
        inner?.recordsUnroutable(route: route, reason: reason, count: count)
    }
    func recordsFiltered(route: String, count: Int) {
        update(route) { $0.filtered += count }
        inner?.recordsFiltered(route: route, count: count)
    }
    func recordsUndecodable(route: String, reason: String, count: Int) {
        update(route) { $0.undecodable += count }
        inner?.recordsUndecodable(route: route, reason: reason, count: count)
    }
    func schemaRegistryAnswered(outcome: String, cached: Int) {
        inner?.schemaRegistryAnswered(outcome: outcome, cached: cached)
    }
    func twilioConcurrency(recentMaximum: Int?, inFlightLimit: Int) {
        inner?.twilioConcurrency(recentMaximum: recentMaximum, inFlightLimit: inFlightLimit)
    }
    func routeStreams(route: String, active: Int) {
        update(route) { $0.activeStreams = active }
        inner?.routeStreams(route: route, active: active)
    }
    func routeStreamCreated(route: String) {
        update(route) { $0.streamsCreated += 1 }
        inner?.routeStreamCreated(route: route)
    }
    func routeStreamReleased(route: String) {
        update(route) { $0.streamsReleased += 1 }
        inner?.routeStreamReleased(route: route)
    }
}
