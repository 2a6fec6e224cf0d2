import CoreMetrics

/// The collectors of one stream label that the hot paths update (publishing, lane depth, pacer waits), made once
/// and then reused, so a publish costs a dictionary lookup rather than a registry search.
struct StreamCollectors: Sendable {
    let recordsPublished: Counter
    let messagesPublished: Counter
    let bytesPublished: Counter
    let laneRecords: Gauge
    let laneBytes: Gauge
    let inFlight: Gauge
    let pacerWait: FloatingPointCounter

    init(label: String, factory: any MetricsFactory) {
        typealias Names = RelayMetricCatalogue
        let labels = [(Names.streamLabel, label)]
        recordsPublished = Counter(label: Names.recordsPublished.fullName, dimensions: labels, factory: factory)
        messagesPublished = Counter(label: Names.messagesPublished.fullName, dimensions: labels, factory: factory)
        bytesPublished = Counter(label: Names.bytesPublished.fullName, dimensions: labels, factory: factory)
        laneRecords = Gauge(label: Names.laneRecords.fullName, dimensions: labels, factory: factory)
        laneBytes = Gauge(label: Names.laneBytes.fullName, dimensions: labels, factory: factory)
        inFlight = Gauge(label: Names.inFlight.fullName, dimensions: labels, factory: factory)
        pacerWait = FloatingPointCounter(
            label: Names.pacerWaitTotal.fullName, dimensions: labels, factory: factory)
    }
}
