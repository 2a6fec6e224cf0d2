/// A `RelayObserver` that ignores everything, for tests and tools that do not care about metrics.
public struct NoRelayObserver: RelayObserver {
    /// Creates the observer.
    public init() {}

    /// Ignored.
    public func recordsConsumed(topic: String, count: Int) {}
    /// Ignored.
    public func snapshotFinished(route: String, result: String, records: Int) {}
    /// Ignored.
    public func snapshotConflated(route: String) {}
    /// Ignored.
    public func snapshotRetried(route: String, reason: String) {}
    /// Ignored.
    public func snapshotAnswered(operation: String, latency: Duration) {}
    /// Ignored.
    public func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration) {}
    /// Ignored.
    public func recordsAccepted(route: String, target: String, ages: [Duration]) {}
    /// Ignored.
    public func recordsDropped(stream: String, reason: String, count: Int) {}
    /// Ignored.
    public func recordsDeadLettered(stream: String, reason: String, count: Int) {}
    /// Ignored.
    public func publishRetried(stream: String, reason: String) {}
    /// Ignored.
    public func twilioResponse(statusClass: String, twilioCode: Int?) {}
    /// Ignored.
    public func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int) {}
    /// Ignored.
    public func pacerWait(stream: String, wait: Duration) {}
    /// Ignored.
    public func streamCreated(stream: String, recreated: Bool) {}
    /// Ignored.
    public func ttlRefreshed(stream: String) {}
    /// Ignored.
    public func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {}
    /// Ignored.
    public func partitionWaiting(topic: String, partition: Int32, oldest: Duration?) {}
    /// Ignored.
    public func readinessChanged(ready: Bool) {}
}
