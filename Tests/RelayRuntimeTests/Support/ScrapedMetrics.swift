import Prometheus
import RelayCore
import RelayRuntime

extension RelayMetrics {
    /// A catalogue emitting through a `RelayMetricsFactory` over a registry of its own, which the test scrapes:
    /// the same path as the executable's, without touching the process-wide `MetricsSystem`.
    static func scraped(
        version: String = RelayVersion.current, streamLabelLimit: Int = RelayMetrics.defaultStreamLabelLimit
    ) -> (metrics: RelayMetrics, registry: PrometheusCollectorRegistry) {
        let factory = RelayMetricsFactory()
        return (RelayMetrics(factory: factory, version: version, streamLabelLimit: streamLabelLimit), factory.registry)
    }
}
