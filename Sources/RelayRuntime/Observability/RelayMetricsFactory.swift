import CoreMetrics
import Prometheus

/// swift-metrics' factory over a Prometheus registry, for the executable to bootstrap once
/// (`MetricsSystem.bootstrap(RelayMetricsFactory(registry:))`) and for tests to pass to `RelayMetrics(factory:)`.
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every metric without help text (its per-name bucket
/// maps could hold our buckets, but would be a second list to keep in step with the catalogue); this one takes both
/// help and buckets from `RelayMetricCatalogue` by the metric's full name, so `/metrics` keeps its `# HELP` lines and
/// each histogram its own buckets from one source. Metrics the catalogue does not list (another library's) get no
/// help and swift-prometheus's default buckets. Names and labels are passed as they are (the stock factory's
/// sanitizer is the identity too): the catalogue's names are valid Prometheus names.
public struct RelayMetricsFactory: MetricsFactory {
    /// Where the metrics live; `MetricsServer` serves it.
    public let registry: PrometheusCollectorRegistry

    /// A factory over `registry` (a new one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private static let defaults = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())

    /// The name with the catalogue's help text (none for a metric the catalogue does not list).
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: label, unitName: "", helpText: RelayMetricCatalogue.byFullName[label]?.help ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    /// A gauge, or (`aggregate`) a value histogram.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        let buckets = RelayMetricCatalogue.byFullName[label]?.valueBuckets ?? Self.defaults.defaultValueHistogramBuckets
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    /// A duration histogram.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets =
            RelayMetricCatalogue.byFullName[label]?.durationBuckets ?? Self.defaults.defaultDurationHistogramBuckets
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as Histogram<Double>: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
    }
}
