import Prometheus

/// The collectors of one stream label that the hot paths update (publishing, lane depth, pacer waits), looked up
/// in the registry once and then reused, so a publish costs a dictionary lookup rather than a registry search.
struct StreamCollectors: Sendable {
    let recordsPublished: Counter
    let messagesPublished: Counter
    let bytesPublished: Counter
    let laneRecords: Gauge
    let laneBytes: Gauge
    let inFlight: Gauge
    let pacerWait: Counter

    init(label: String, registry: PrometheusCollectorRegistry) {
        typealias Names = RelayMetricCatalogue
        let labels = [(Names.streamLabel, label)]
        recordsPublished = registry.makeCounter(descriptor: Names.recordsPublished.descriptor, labels: labels)
        messagesPublished = registry.makeCounter(descriptor: Names.messagesPublished.descriptor, labels: labels)
        bytesPublished = registry.makeCounter(descriptor: Names.bytesPublished.descriptor, labels: labels)
        laneRecords = registry.makeGauge(descriptor: Names.laneRecords.descriptor, labels: labels)
        laneBytes = registry.makeGauge(descriptor: Names.laneBytes.descriptor, labels: labels)
        inFlight = registry.makeGauge(descriptor: Names.inFlight.descriptor, labels: labels)
        pacerWait = registry.makeCounter(descriptor: Names.pacerWaitTotal.descriptor, labels: labels)
    }
}
