import Prometheus
import RelayCore
import Synchronization

/// The relay's metrics catalogue: implements `RelayObserver` by updating Prometheus collectors in an injected
/// `PrometheusCollectorRegistry`, which `MetricsServer` serves on `/metrics`.
///
/// Nothing global is bootstrapped: the executable creates one registry, hands it to this catalogue and to the
/// server, and tests create their own. Names, labels and meanings are listed in `docs/metrics.md`.
///
/// Label cardinality is bounded: the first `streamLabelLimit` distinct streams get their own series and every later
/// stream is reported as `stream="_other"` (lane gauges then show the sum over those streams); Twilio error codes
/// are capped the same way (`code="_other"`). Histograms carry no stream label, so their series count is fixed.
public final class RelayMetrics: RelayObserver {
    /// The stream label value of streams past the cap.
    public static let overflowLabelValue = "_other"
    /// The default cap on distinct stream label values.
    public static let defaultStreamLabelLimit = 1000
    /// The cap on distinct Twilio error code label values.
    static let twilioCodeLabelLimit = 200

    typealias Names = RelayMetricCatalogue

    /// The registry the collectors live in.
    public let registry: PrometheusCollectorRegistry
    private let streams: LabelValueLimiter
    private let twilioCodes: LabelValueLimiter
    private let overflowLanes = LaneDepthTotals()
    /// By stream label: at most `streamLabelLimit` + 1 entries.
    private let streamCollectors = Mutex<[String: StreamCollectors]>([:])

    private let messageRecords: ValueHistogram
    private let messageBytes: ValueHistogram
    private let publishLatency: DurationHistogram
    private let endToEndLatency: DurationHistogram
    private let pacerWaitHistogram: DurationHistogram
    private let streamsCreated: Counter
    private let ttlRefreshes: Counter
    private let streamLabelValues: Gauge
    private let ready: Gauge

    /// Registers the catalogue's collectors in `registry` (a new one by default; serve it with `MetricsServer`).
    /// `version` becomes `sync_relay_build_info{version=...}`; `streamLabelLimit` (at least 0) caps the distinct
    /// stream label values. Readiness starts at 0.
    ///
    /// Create one `RelayMetrics` per registry: a second one shares the collectors but not the label caps.
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        version: String = RelayVersion.current,
        streamLabelLimit: Int = RelayMetrics.defaultStreamLabelLimit
    ) {
        self.registry = registry
        streams = LabelValueLimiter(limit: streamLabelLimit, overflowValue: Self.overflowLabelValue)
        twilioCodes = LabelValueLimiter(limit: Self.twilioCodeLabelLimit, overflowValue: Self.overflowLabelValue)
        messageRecords = registry.makeValueHistogram(
            descriptor: Names.messageRecords.descriptor, buckets: Names.messageRecordBuckets)
        messageBytes = registry.makeValueHistogram(
            descriptor: Names.messageBytes.descriptor, buckets: Names.messageByteBuckets)
        publishLatency = registry.makeDurationHistogram(
            descriptor: Names.publishLatency.descriptor, buckets: Names.publishLatencyBuckets)
        endToEndLatency = registry.makeDurationHistogram(
            descriptor: Names.endToEndLatency.descriptor, buckets: Names.endToEndLatencyBuckets)
        pacerWaitHistogram = registry.makeDurationHistogram(
            descriptor: Names.pacerWait.descriptor, buckets: Names.pacerWaitBuckets)
        streamsCreated = registry.makeCounter(descriptor: Names.streamsCreated.descriptor)
        ttlRefreshes = registry.makeCounter(descriptor: Names.ttlRefreshes.descriptor)
        streamLabelValues = registry.makeGauge(descriptor: Names.streamSeries.descriptor)
        ready = registry.makeGauge(descriptor: Names.ready.descriptor)
        ready.set(Int64(0))
        registry.makeGauge(descriptor: Names.buildInfo.descriptor, labels: [(Names.versionLabel, version)])
            .set(Int64(1))
    }

    // MARK: RelayObserver

    /// Counts `sync_relay_records_consumed_total{topic}`.
    public func recordsConsumed(topic: String, count: Int) {
        counter(Names.recordsConsumed, [(Names.topicLabel, topic)]).increment(by: Int64(count))
    }

    /// Counts records, messages and bytes published for the stream and records the message's size and latency.
    public func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration) {
        let collectors = collectors(for: streamLabel(stream))
        collectors.recordsPublished.increment(by: Int64(records))
        collectors.messagesPublished.increment()
        collectors.bytesPublished.increment(by: Int64(bytes))
        messageRecords.record(Double(records))
        messageBytes.record(Double(bytes))
        publishLatency.record(latency)
    }

    /// Records `sync_relay_end_to_end_latency_seconds`.
    public func endToEndLatency(stream: String, latency: Duration) {
        endToEndLatency.record(latency)
    }

    /// Counts `sync_relay_records_dropped_total{stream,reason}`.
    public func recordsDropped(stream: String, reason: String, count: Int) {
        counter(Names.recordsDropped, streamAndReason(stream, reason)).increment(by: Int64(count))
    }

    /// Counts `sync_relay_records_dead_lettered_total{stream,reason}`.
    public func recordsDeadLettered(stream: String, reason: String, count: Int) {
        counter(Names.recordsDeadLettered, streamAndReason(stream, reason)).increment(by: Int64(count))
    }

    /// Counts `sync_relay_publish_retries_total{stream,reason}`.
    public func publishRetried(stream: String, reason: String) {
        counter(Names.publishRetries, streamAndReason(stream, reason)).increment()
    }

    /// Counts `sync_relay_twilio_responses_total{status_class,code}`; `code` is `none` without a Twilio code.
    public func twilioResponse(statusClass: String, twilioCode: Int?) {
        let code = twilioCode.map { twilioCodes.label(for: String($0)).label } ?? "none"
        counter(Names.twilioResponses, [(Names.statusClassLabel, statusClass), (Names.codeLabel, code)]).increment()
    }

    /// Sets the lane gauges of the stream (summed over the streams folded into `_other`).
    public func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int) {
        let label = streamLabel(stream)
        var figures = LaneDepthTotals.Figures(records: records, bytes: bytes, inFlight: inFlight)
        if label == Self.overflowLabelValue, stream != label {
            figures = overflowLanes.update(stream: stream, to: figures)
        }
        let collectors = collectors(for: label)
        collectors.laneRecords.set(Int64(figures.records))
        collectors.laneBytes.set(Int64(figures.bytes))
        collectors.inFlight.set(Int64(figures.inFlight))
    }

    /// Records `sync_relay_pacer_wait_seconds` and adds to `sync_relay_pacer_waited_seconds_total{stream}`.
    public func pacerWait(stream: String, wait: Duration) {
        pacerWaitHistogram.record(wait)
        collectors(for: streamLabel(stream)).pacerWait.increment(by: wait.metricSeconds)
    }

    /// Counts `sync_relay_streams_created_total`, and `sync_relay_streams_recreated_total{stream}` when recreated.
    public func streamCreated(stream: String, recreated: Bool) {
        streamsCreated.increment()
        if recreated {
            counter(Names.streamsRecreated, [(Names.streamLabel, streamLabel(stream))]).increment()
        }
    }

    /// Counts `sync_relay_ttl_refreshes_total`.
    public func ttlRefreshed(stream: String) {
        ttlRefreshes.increment()
    }

    /// Sets the partition's lag gauges; a `nil` figure removes its series (unknown, or the partition was revoked),
    /// so no stale value lingers.
    public func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {
        let labels = [(Names.topicLabel, topic), (Names.partitionLabel, String(partition))]
        setOrRemove(gauge(Names.consumerLag, labels), to: consumerLag)
        setOrRemove(gauge(Names.commitLag, labels), to: commitLag)
    }

    /// Sets `sync_relay_ready` to 1 or 0.
    public func readinessChanged(ready: Bool) {
        self.ready.set(Int64(ready ? 1 : 0))
    }

    // MARK: Collectors and labels

    /// The registry returns the existing collector for a name and label set, creating it the first time.
    private func counter(_ name: RelayMetricName, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: name.descriptor, labels: labels)
    }

    private func gauge(_ name: RelayMetricName, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: name.descriptor, labels: labels)
    }

    private func setOrRemove(_ gauge: Gauge, to value: Int64?) {
        if let value {
            gauge.set(value)
        } else {
            registry.unregisterGauge(gauge)
        }
    }

    private func collectors(for label: String) -> StreamCollectors {
        if let known = streamCollectors.withLock({ $0[label] }) { return known }
        // Made outside the lock (the registry takes its own); a racing duplicate gets the same collectors.
        let made = StreamCollectors(label: label, registry: registry)
        return streamCollectors.withLock { collectors in
            if let known = collectors[label] { return known }
            collectors[label] = made
            return made
        }
    }

    private func streamLabel(_ stream: String) -> String {
        let (label, admittedCount) = streams.label(for: stream)
        if let admittedCount { streamLabelValues.set(Int64(admittedCount)) }
        return label
    }

    private func streamAndReason(_ stream: String, _ reason: String) -> [(String, String)] {
        [(Names.streamLabel, streamLabel(stream)), (Names.reasonLabel, reason)]
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`, for metrics.
    var metricSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
