import CoreMetrics
import RelayCore
import Synchronization

/// The relay's metrics catalogue: implements `RelayObserver` by emitting through swift-metrics. The executable
/// bootstraps `MetricsSystem` once with a `RelayMetricsFactory` (Prometheus, served by `MetricsServer` on
/// `/metrics`); tests pass their own factory. Names, labels and meanings are listed in `docs/metrics.md`.
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
    /// The cap on distinct route label values of `sync_relay_record_age_seconds` (a route of fixed streams is
    /// labelled by each stream's name, so a pattern subscription could otherwise grow it without bound).
    static let routeLabelLimit = 200

    typealias Names = RelayMetricCatalogue

    private let factory: any MetricsFactory
    private let streams: LabelValueLimiter
    private let twilioCodes: LabelValueLimiter
    private let routes: LabelValueLimiter
    /// `sync_relay_record_age_seconds` by route and target, made once each.
    private let recordAges = Mutex<[CounterKey: CoreMetrics.Timer]>([:])
    private let overflowLanes = LaneDepthTotals()
    /// By stream label: at most `streamLabelLimit` + 1 entries.
    private let streamCollectors = Mutex<[String: StreamCollectors]>([:])
    /// Counters by name and labels, made once (each `Counter(label:)` asks the factory, which searches the registry).
    private let counters = Mutex<[CounterKey: CoreMetrics.Counter]>([:])

    private let messageRecords: Recorder
    private let messageBytes: Recorder
    private let publishLatency: CoreMetrics.Timer
    private let endToEndLatency: CoreMetrics.Timer
    private let pacerWaitHistogram: CoreMetrics.Timer
    private let streamsCreated: CoreMetrics.Counter
    private let ttlRefreshes: CoreMetrics.Counter
    private let streamLabelValues: Gauge
    private let ready: Gauge

    /// Makes the catalogue's collectors through `factory` (the bootstrapped `MetricsSystem.factory` by default).
    /// `version` becomes `sync_relay_build_info{version=...}`; `streamLabelLimit` (at least 0) caps the distinct
    /// stream label values. Readiness starts at 0.
    ///
    /// Create one `RelayMetrics` per factory: a second one shares the collectors but not the label caps.
    public init(
        factory: any MetricsFactory = MetricsSystem.factory,
        version: String = RelayVersion.current,
        streamLabelLimit: Int = RelayMetrics.defaultStreamLabelLimit
    ) {
        self.factory = factory
        streams = LabelValueLimiter(limit: streamLabelLimit, overflowValue: Self.overflowLabelValue)
        twilioCodes = LabelValueLimiter(limit: Self.twilioCodeLabelLimit, overflowValue: Self.overflowLabelValue)
        routes = LabelValueLimiter(limit: Self.routeLabelLimit, overflowValue: Self.overflowLabelValue)
        messageRecords = Recorder(label: Names.messageRecords.fullName, factory: factory)
        messageBytes = Recorder(label: Names.messageBytes.fullName, factory: factory)
        publishLatency = CoreMetrics.Timer(label: Names.publishLatency.fullName, factory: factory)
        endToEndLatency = CoreMetrics.Timer(label: Names.endToEndLatency.fullName, factory: factory)
        pacerWaitHistogram = CoreMetrics.Timer(label: Names.pacerWait.fullName, factory: factory)
        streamsCreated = CoreMetrics.Counter(label: Names.streamsCreated.fullName, factory: factory)
        ttlRefreshes = CoreMetrics.Counter(label: Names.ttlRefreshes.fullName, factory: factory)
        streamLabelValues = Gauge(label: Names.streamSeries.fullName, factory: factory)
        ready = Gauge(label: Names.ready.fullName, factory: factory)
        ready.record(Int64(0))
        Gauge(label: Names.buildInfo.fullName, dimensions: [(Names.versionLabel, version)], factory: factory)
            .record(Int64(1))
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
        publishLatency.recordNanoseconds(latency.nanosecondsClamped)
    }

    /// Records `sync_relay_record_age_seconds{route,target}`, and for stream messages the all-streams
    /// `sync_relay_end_to_end_latency_seconds`.
    public func recordsAccepted(route: String, target: String, ages: [Duration]) {
        guard !ages.isEmpty else { return }
        let labels = [(Names.routeLabel, routes.label(for: route).label), (Names.targetLabel, target)]
        let key = CounterKey(name: Names.recordAge.fullName, labels: labels.flatMap { [$0.0, $0.1] })
        let timer =
            recordAges.withLock { $0[key] }
            ?? {
                let made = CoreMetrics.Timer(label: key.name, dimensions: labels, factory: factory)
                return recordAges.withLock { timers in
                    if let known = timers[key] { return known }
                    timers[key] = made
                    return made
                }
            }()
        for age in ages {
            timer.recordNanoseconds(age.nanosecondsClamped)
            if target == "stream" { endToEndLatency.recordNanoseconds(age.nanosecondsClamped) }
        }
    }

    /// Counts `sync_relay_records_dropped_total{stream,reason}`.
    public func recordsDropped(stream: String, reason: String, count: Int) {
        counter(Names.recordsDropped, streamAndReason(stream, reason)).increment(by: Int64(count))
    }

    /// Counts `sync_relay_records_dead_lettered_total{stream,reason}`.
    public func recordsDeadLettered(stream: String, reason: String, count: Int) {
        counter(Names.recordsDeadLettered, streamAndReason(stream, reason)).increment(by: Int64(count))
    }

    /// Counts `sync_relay_snapshot_changes_total{route,result}` and `sync_relay_snapshot_records_total{route,result}`.
    public func snapshotFinished(route: String, result: String, records: Int) {
        let labels = [(Names.routeLabel, route), (Names.resultLabel, result)]
        counter(Names.snapshotChanges, labels).increment()
        counter(Names.snapshotRecords, labels).increment(by: Int64(records))
    }

    /// Counts `sync_relay_snapshot_conflated_total{route}`.
    public func snapshotConflated(route: String) {
        counter(Names.snapshotConflated, [(Names.routeLabel, route)]).increment()
    }

    /// Counts `sync_relay_snapshot_retries_total{route,reason}`.
    public func snapshotRetried(route: String, reason: String) {
        counter(Names.snapshotRetries, [(Names.routeLabel, route), (Names.reasonLabel, reason)]).increment()
    }

    /// Records `sync_relay_snapshot_latency_seconds{operation}`.
    public func snapshotAnswered(operation: String, latency: Duration) {
        CoreMetrics.Timer(
            label: Names.snapshotLatency.fullName, dimensions: [(Names.operationLabel, operation)], factory: factory
        ).recordNanoseconds(latency.nanosecondsClamped)
    }

    /// Counts `sync_relay_publish_retries_total{stream,reason}`.
    public func publishRetried(stream: String, reason: String) {
        counter(Names.publishRetries, streamAndReason(stream, reason)).increment()
    }

    /// Records `sync_relay_twilio_concurrent_requests` (when one was seen) and `sync_relay_in_flight_limit_messages`.
    public func twilioConcurrency(recentMaximum: Int?, inFlightLimit: Int) {
        if let recentMaximum {
            Gauge(label: Names.twilioConcurrentRequests.fullName, factory: factory).record(Int64(recentMaximum))
        }
        Gauge(label: Names.inFlightLimit.fullName, factory: factory).record(Int64(inFlightLimit))
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
        collectors.laneRecords.record(Int64(figures.records))
        collectors.laneBytes.record(Int64(figures.bytes))
        collectors.inFlight.record(Int64(figures.inFlight))
    }

    /// Records `sync_relay_pacer_wait_seconds` and adds to `sync_relay_pacer_waited_seconds_total{stream}`.
    public func pacerWait(stream: String, wait: Duration) {
        pacerWaitHistogram.recordNanoseconds(wait.nanosecondsClamped)
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

    /// Counts `sync_relay_records_unroutable_total{route,reason}` (routes come from configuration).
    public func recordsUnroutable(route: String, reason: String, count: Int) {
        counter(Names.recordsUnroutable, [(Names.routeLabel, route), (Names.reasonLabel, reason)])
            .increment(by: Int64(count))
    }

    /// Sets `sync_relay_stream_allowance_messages{stream}`.
    public func streamAllowance(stream: String, messagesPerWindow: Double) {
        Gauge(
            label: Names.streamAllowance.fullName, dimensions: [(Names.streamLabel, streamLabel(stream))],
            factory: factory
        ).record(messagesPerWindow)
    }

    /// Sets `sync_relay_route_streams{route}`.
    public func routeStreams(route: String, active: Int) {
        Gauge(label: Names.routeStreams.fullName, dimensions: [(Names.routeLabel, route)], factory: factory)
            .record(Int64(active))
    }

    /// Counts `sync_relay_route_streams_created_total{route}`.
    public func routeStreamCreated(route: String) {
        counter(Names.routeStreamsCreated, [(Names.routeLabel, route)]).increment()
    }

    /// Counts `sync_relay_route_streams_released_total{route}`.
    public func routeStreamReleased(route: String) {
        counter(Names.routeStreamsReleased, [(Names.routeLabel, route)]).increment()
    }

    /// Counts `sync_relay_records_undecodable_total{route,reason}`.
    public func recordsUndecodable(route: String, reason: String, count: Int) {
        counter(Names.recordsUndecodable, [(Names.routeLabel, route), (Names.reasonLabel, reason)])
            .increment(by: Int64(count))
    }

    /// Counts `sync_relay_records_filtered_total{route}`.
    public func recordsFiltered(route: String, count: Int) {
        counter(Names.recordsFiltered, [(Names.routeLabel, route)]).increment(by: Int64(count))
    }

    /// Counts `sync_relay_schema_registry_requests_total{outcome}` and sets `sync_relay_schemas_cached`.
    public func schemaRegistryAnswered(outcome: String, cached: Int) {
        counter(Names.registryRequests, [(Names.resultLabel, outcome)]).increment()
        Gauge(label: Names.schemasCached.fullName, factory: factory).record(Int64(cached))
    }

    /// Sets the partition's lag gauges; a `nil` figure removes its series (unknown, or the partition was revoked),
    /// so no stale value lingers.
    public func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {
        let labels = [(Names.topicLabel, topic), (Names.partitionLabel, String(partition))]
        setOrRemove(Names.consumerLag, labels, to: consumerLag)
        setOrRemove(Names.commitLag, labels, to: commitLag)
    }

    /// Sets `sync_relay_consumer_lag_seconds{topic,partition}`, or (nil) removes its series.
    public func partitionWaiting(topic: String, partition: Int32, oldest: Duration?) {
        let gauge = Gauge(
            label: Names.consumerLagSeconds.fullName,
            dimensions: [(Names.topicLabel, topic), (Names.partitionLabel, String(partition))], factory: factory)
        if let oldest { gauge.record(oldest.metricSeconds) } else { gauge.destroy() }
    }

    /// A reload of the configuration file was tried at `at` (Unix seconds) with `result` (`applied`, `unchanged`,
    /// `refused`, `invalid`).
    public func configurationReloaded(result: String, at: Double) {
        Counter(label: Names.configReloads.fullName, dimensions: [(Names.resultLabel, result)], factory: factory)
            .increment()
        Gauge(label: Names.configReloadTime.fullName, factory: factory).record(at)
        Gauge(label: Names.configReloadSuccess.fullName, factory: factory)
            .record(Int64(result == "applied" || result == "unchanged" ? 1 : 0))
    }

    /// Sets `sync_relay_ready` to 1 or 0.
    public func readinessChanged(ready: Bool) {
        self.ready.record(Int64(ready ? 1 : 0))
    }

    // MARK: Collectors and labels

    private struct CounterKey: Hashable {
        let name: String
        let labels: [String]
    }

    /// The counter of `name` and `labels`, made the first time it is asked for.
    private func counter(_ name: RelayMetricName, _ labels: [(String, String)]) -> CoreMetrics.Counter {
        let key = CounterKey(name: name.fullName, labels: labels.flatMap { [$0.0, $0.1] })
        if let known = counters.withLock({ $0[key] }) { return known }
        let made = CoreMetrics.Counter(label: key.name, dimensions: labels, factory: factory)
        return counters.withLock { counters in
            if let known = counters[key] { return known }
            counters[key] = made
            return made
        }
    }

    /// Sets the gauge of `name` and `labels`, or (nil) removes its series.
    private func setOrRemove(_ name: RelayMetricName, _ labels: [(String, String)], to value: Int64?) {
        let gauge = Gauge(label: name.fullName, dimensions: labels, factory: factory)
        if let value {
            gauge.record(value)
        } else {
            gauge.destroy()
        }
    }

    private func collectors(for label: String) -> StreamCollectors {
        if let known = streamCollectors.withLock({ $0[label] }) { return known }
        // Made outside the lock (the factory takes its own); a racing duplicate gets the same collectors.
        let made = StreamCollectors(label: label, factory: factory)
        return streamCollectors.withLock { collectors in
            if let known = collectors[label] { return known }
            collectors[label] = made
            return made
        }
    }

    private func streamLabel(_ stream: String) -> String {
        let (label, admittedCount) = streams.label(for: stream)
        if let admittedCount { streamLabelValues.record(Int64(admittedCount)) }
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
