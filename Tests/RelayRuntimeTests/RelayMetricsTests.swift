import Foundation
import Prometheus
import RelayCore
import Testing

@testable import RelayRuntime

@Suite("Relay metrics")
struct RelayMetricsTests {
    /// Every observer method once, with figures the tests check.
    static func exerciseEveryMethod(_ metrics: RelayMetrics) {
        metrics.recordsConsumed(topic: "orders", count: 5)
        metrics.recordsConsumed(topic: "orders", count: 2)
        metrics.messagePublished(stream: "orders-eu", records: 3, bytes: 3000, latency: .milliseconds(40))
        metrics.messagePublished(stream: "orders-eu", records: 1, bytes: 500, latency: .milliseconds(7))
        metrics.recordsAccepted(route: "orders-eu", target: "stream", ages: [.milliseconds(15)])
        metrics.recordsAccepted(route: "vehicles", target: "snapshot", ages: [.seconds(3), .seconds(700)])
        metrics.recordsDropped(stream: "orders-eu", reason: DropReason.overflowOldest.rawValue, count: 4)
        metrics.recordsDeadLettered(stream: "orders-eu", reason: DropReason.oversize.rawValue, count: 1)
        metrics.publishRetried(stream: "orders-eu", reason: RetryReason.serverError.rawValue)
        metrics.twilioResponse(statusClass: "2xx", twilioCode: nil)
        metrics.twilioResponse(statusClass: "4xx", twilioCode: 54009)
        metrics.laneDepth(stream: "orders-eu", records: 12, bytes: 3400, inFlight: 1)
        metrics.streamAllowance(stream: "orders-eu", messagesPerWindow: 15)
        metrics.pacerWait(stream: "orders-eu", wait: .milliseconds(250))
        metrics.streamCreated(stream: "orders-eu", recreated: false)
        metrics.streamCreated(stream: "orders-eu", recreated: true)
        metrics.ttlRefreshed(stream: "orders-eu")
        metrics.partitionLag(topic: "orders", partition: 3, consumerLag: 120, commitLag: 7)
        metrics.partitionWaiting(topic: "orders", partition: 3, oldest: .milliseconds(42_500))
        metrics.readinessChanged(ready: true)
        metrics.configurationReloaded(result: "invalid", at: 1_700_000_000)
        metrics.configurationReloaded(result: "applied", at: 1_700_000_060)
        metrics.recordsUnroutable(route: "vehicle-{key}", reason: UnroutableReason.noKey.rawValue, count: 2)
        metrics.routeStreams(route: "vehicle-{key}", active: 40)
        metrics.routeStreamCreated(route: "vehicle-{key}")
        metrics.routeStreamReleased(route: "vehicle-{key}")
        metrics.routeStreamReleased(route: "vehicle-{key}")
        metrics.recordsUndecodable(route: "orders", reason: "unknown-schema", count: 3)
        metrics.recordsFiltered(route: "orders", count: 5)
        metrics.schemaRegistryAnswered(outcome: "unavailable", cached: 0)
        metrics.schemaRegistryAnswered(outcome: "found", cached: 1)
        metrics.snapshotFinished(route: "vehicles", result: SnapshotResult.written.rawValue, records: 3)
        metrics.snapshotFinished(route: "vehicles", result: SnapshotResult.superseded.rawValue, records: 1)
        metrics.snapshotConflated(route: "vehicles")
        metrics.snapshotConflated(route: "vehicles")
        metrics.snapshotRetried(route: "vehicles", reason: "object-rate-limited")
        metrics.snapshotAnswered(operation: "update", latency: .milliseconds(20))
        metrics.twilioConcurrency(recentMaximum: 42, inFlightLimit: 17)
    }

    func exposition(_ registry: PrometheusCollectorRegistry) throws -> PrometheusText {
        try PrometheusText(registry.emitToString())
    }

    @Test func countersReflectObserverCalls() throws {
        let (metrics, registry) = RelayMetrics.scraped(version: "9.9.9")
        Self.exerciseEveryMethod(metrics)
        let text = try exposition(registry)
        let stream = ["stream": "orders-eu"]
        #expect(text.value("sync_relay_records_consumed_total", ["topic": "orders"]) == 7)
        #expect(text.value("sync_relay_twilio_concurrent_requests") == 42)
        #expect(text.value("sync_relay_in_flight_limit_messages") == 17)
        #expect(text.value("sync_relay_records_published_total", stream) == 4)
        #expect(text.value("sync_relay_messages_published_total", stream) == 2)
        #expect(text.value("sync_relay_published_bytes_total", stream) == 3500)
        #expect(text.value("sync_relay_message_records_count") == 2)
        #expect(text.value("sync_relay_message_records_sum") == 4)
        #expect(text.value("sync_relay_message_bytes_bucket", ["le": "512.0"]) == 1)
        #expect(text.value("sync_relay_message_bytes_bucket", ["le": "+Inf"]) == 2)
        #expect(text.value("sync_relay_publish_latency_seconds_count") == 2)
        #expect(text.value("sync_relay_publish_latency_seconds_bucket", ["le": "0.01"]) == 1)
        #expect(text.value("sync_relay_end_to_end_latency_seconds_count") == 1)
        #expect(text.value("sync_relay_end_to_end_latency_seconds_bucket", ["le": "0.02"]) == 1)
        #expect(text.value("sync_relay_end_to_end_latency_seconds_bucket", ["le": "0.01"]) == 0)
        let streamAges = ["route": "orders-eu", "target": "stream"]
        #expect(text.value("sync_relay_record_age_seconds_count", streamAges) == 1)
        #expect(text.value("sync_relay_record_age_seconds_bucket", streamAges.merging(["le": "0.025"]) { $1 }) == 1)
        #expect(text.value("sync_relay_record_age_seconds_bucket", streamAges.merging(["le": "0.01"]) { $1 }) == 0)
        let snapshotAges = ["route": "vehicles", "target": "snapshot"]
        #expect(text.value("sync_relay_record_age_seconds_bucket", snapshotAges.merging(["le": "5.0"]) { $1 }) == 1)
        #expect(text.value("sync_relay_record_age_seconds_bucket", snapshotAges.merging(["le": "600.0"]) { $1 }) == 1)
        #expect(text.value("sync_relay_record_age_seconds_bucket", snapshotAges.merging(["le": "+Inf"]) { $1 }) == 2)
        #expect(text.value("sync_relay_end_to_end_latency_seconds_count") == 1, "snapshot writes are not in it")
        #expect(text.value("sync_relay_consumer_lag_seconds", ["topic": "orders", "partition": "3"]) == 42.5)
        #expect(
            text.value("sync_relay_records_dropped_total", ["stream": "orders-eu", "reason": "overflow-oldest"]) == 4)
        #expect(text.value("sync_relay_records_dead_lettered_total", ["reason": "oversize"]) == 1)
        #expect(text.value("sync_relay_publish_retries_total", ["reason": "server-error"]) == 1)
        #expect(text.value("sync_relay_twilio_responses_total", ["status_class": "2xx", "code": "none"]) == 1)
        #expect(text.value("sync_relay_twilio_responses_total", ["status_class": "4xx", "code": "54009"]) == 1)
        #expect(text.value("sync_relay_lane_queued_records", stream) == 12)
        #expect(text.value("sync_relay_lane_queued_bytes", stream) == 3400)
        #expect(text.value("sync_relay_in_flight_messages", stream) == 1)
        #expect(text.value("sync_relay_stream_allowance_messages", stream) == 15)
        #expect(text.value("sync_relay_pacer_wait_seconds_count") == 1)
        #expect(text.value("sync_relay_pacer_waited_seconds_total", stream) == 0.25)
        #expect(text.value("sync_relay_streams_created_total") == 2)
        #expect(text.value("sync_relay_streams_recreated_total", stream) == 1)
        #expect(text.value("sync_relay_ttl_refreshes_total") == 1)
        #expect(text.value("sync_relay_consumer_lag_records", ["topic": "orders", "partition": "3"]) == 120)
        #expect(text.value("sync_relay_commit_lag_records", ["topic": "orders", "partition": "3"]) == 7)
        #expect(text.value("sync_relay_ready") == 1)
        #expect(text.value("sync_relay_build_info", ["version": "9.9.9"]) == 1)
        #expect(text.value("sync_relay_config_reloads_total", ["result": "invalid"]) == 1)
        #expect(text.value("sync_relay_config_reloads_total", ["result": "applied"]) == 1)
        #expect(text.value("sync_relay_config_last_reload_timestamp_seconds") == 1_700_000_060)
        #expect(text.value("sync_relay_config_last_reload_success") == 1)
        #expect(text.value("sync_relay_stream_label_values") == 1)
        let route = ["route": "vehicle-{key}"]
        #expect(text.value("sync_relay_records_unroutable_total", ["route": "vehicle-{key}", "reason": "no-key"]) == 2)
        #expect(text.value("sync_relay_route_streams", route) == 40)
        #expect(text.value("sync_relay_route_streams_created_total", route) == 1)
        #expect(text.value("sync_relay_route_streams_released_total", route) == 2)
        #expect(
            text.value("sync_relay_records_undecodable_total", ["route": "orders", "reason": "unknown-schema"]) == 3)
        #expect(text.value("sync_relay_records_filtered_total", ["route": "orders"]) == 5)
        #expect(text.value("sync_relay_schema_registry_requests_total", ["result": "unavailable"]) == 1)
        #expect(text.value("sync_relay_schema_registry_requests_total", ["result": "found"]) == 1)
        #expect(text.value("sync_relay_schemas_cached") == 1)
        let written = ["route": "vehicles", "result": "written"]
        #expect(text.value("sync_relay_snapshot_changes_total", written) == 1)
        #expect(text.value("sync_relay_snapshot_records_total", written) == 3)
        #expect(text.value("sync_relay_snapshot_records_total", ["route": "vehicles", "result": "superseded"]) == 1)
        #expect(text.value("sync_relay_snapshot_conflated_total", ["route": "vehicles"]) == 2)
        #expect(
            text.value("sync_relay_snapshot_retries_total", ["route": "vehicles", "reason": "object-rate-limited"]) == 1
        )
        #expect(text.value("sync_relay_snapshot_latency_seconds_count", ["operation": "update"]) == 1)
    }

    @Test func everyFamilyIsNamedDocumentedAndTyped() throws {
        let (metrics, registry) = RelayMetrics.scraped()
        Self.exerciseEveryMethod(metrics)
        let text = try exposition(registry)
        #expect(text.families == Set(RelayMetricCatalogue.all.map(\.fullName)))
        for family in text.families {
            #expect(family.hasPrefix("sync_relay_"))
            #expect(text.help[family]?.isEmpty == false, "no help for \(family)")
            if text.types[family] == "counter" {
                #expect(family.hasSuffix("_total"), "\(family)")
                // OpenMetrics names a counter family without `_total`: that name must not be taken.
                #expect(!text.families.contains(String(family.dropLast("_total".count))), "\(family)")
            }
        }
        let labelNames = Set(text.samples.flatMap(\.labels.keys))
        let bounded: Set = [
            "topic", "partition", "stream", "route", "reason", "status_class", "code", "version", "result", "le",
            "operation", "target",
        ]
        #expect(labelNames.isSubset(of: bounded))
    }

    @Test func startsNotReadyAndFollowsReadiness() throws {
        let (metrics, registry) = RelayMetrics.scraped()
        #expect(try exposition(registry).value("sync_relay_ready") == 0)
        metrics.readinessChanged(ready: true)
        #expect(try exposition(registry).value("sync_relay_ready") == 1)
        metrics.readinessChanged(ready: false)
        #expect(try exposition(registry).value("sync_relay_ready") == 0)
    }

    @Test func streamsPastTheCapShareTheOverflowLabel() throws {
        let (metrics, registry) = RelayMetrics.scraped(streamLabelLimit: 2)
        for stream in ["a", "b", "c", "d", "a"] {
            metrics.messagePublished(stream: stream, records: 1, bytes: 10, latency: .milliseconds(1))
        }
        metrics.recordsDropped(stream: "e", reason: "max-age", count: 3)
        let text = try exposition(registry)
        let series = Set(text.samples(named: "sync_relay_messages_published_total").compactMap { $0.labels["stream"] })
        #expect(series == ["a", "b", "_other"])
        #expect(text.value("sync_relay_messages_published_total", ["stream": "a"]) == 2)
        #expect(text.value("sync_relay_messages_published_total", ["stream": "_other"]) == 2)
        #expect(text.value("sync_relay_records_dropped_total", ["stream": "_other", "reason": "max-age"]) == 3)
        #expect(text.value("sync_relay_stream_label_values") == 2)
    }

    @Test func laneGaugesOfOverflowStreamsAreSummed() throws {
        let (metrics, registry) = RelayMetrics.scraped(streamLabelLimit: 1)
        metrics.laneDepth(stream: "kept", records: 1, bytes: 1, inFlight: 1)
        metrics.laneDepth(stream: "x", records: 10, bytes: 100, inFlight: 1)
        metrics.laneDepth(stream: "y", records: 5, bytes: 50, inFlight: 2)
        metrics.laneDepth(stream: "x", records: 4, bytes: 40, inFlight: 0)
        var text = try exposition(registry)
        #expect(text.value("sync_relay_lane_queued_records", ["stream": "_other"]) == 9)
        #expect(text.value("sync_relay_lane_queued_bytes", ["stream": "_other"]) == 90)
        #expect(text.value("sync_relay_in_flight_messages", ["stream": "_other"]) == 2)
        metrics.laneDepth(stream: "x", records: 0, bytes: 0, inFlight: 0)
        metrics.laneDepth(stream: "y", records: 0, bytes: 0, inFlight: 0)
        text = try exposition(registry)
        #expect(text.value("sync_relay_lane_queued_records", ["stream": "_other"]) == 0)
        #expect(text.value("sync_relay_lane_queued_records", ["stream": "kept"]) == 1)
    }

    @Test func unknownLagRemovesThePartitionSeries() throws {
        let (metrics, registry) = RelayMetrics.scraped()
        metrics.partitionLag(topic: "t", partition: 0, consumerLag: 5, commitLag: 1)
        metrics.partitionLag(topic: "t", partition: 1, consumerLag: 6, commitLag: 2)
        metrics.partitionLag(topic: "t", partition: 0, consumerLag: nil, commitLag: 0)
        let text = try exposition(registry)
        #expect(text.samples(named: "sync_relay_consumer_lag_records").map { $0.labels["partition"] } == ["1"])
        #expect(text.value("sync_relay_commit_lag_records", ["partition": "0"]) == 0)
        #expect(text.value("sync_relay_commit_lag_records", ["partition": "1"]) == 2)
        metrics.partitionWaiting(topic: "t", partition: 0, oldest: .seconds(3))
        metrics.partitionWaiting(topic: "t", partition: 1, oldest: .zero)
        metrics.partitionWaiting(topic: "t", partition: 0, oldest: nil)
        let after = try exposition(registry)
        #expect(after.samples(named: "sync_relay_consumer_lag_seconds").map { $0.labels["partition"] } == ["1"])
        #expect(after.value("sync_relay_consumer_lag_seconds", ["partition": "1"]) == 0)
    }

    @Test func labelValuesAreEscaped() throws {
        let (metrics, registry) = RelayMetrics.scraped()
        metrics.recordsConsumed(topic: "odd\"topic\\with\nnewline", count: 1)
        let text = try exposition(registry)
        #expect(text.value("sync_relay_records_consumed_total", ["topic": "odd\"topic\\with\nnewline"]) == 1)
    }
}

@Suite("Metrics documentation")
struct MetricsDocumentationTests {
    @Test func docsListEveryMetricAndNoOther() throws {
        let docs = URL(filePath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "docs/metrics.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let documented = Set(
            text.split(separator: "\n")
                .filter { $0.hasPrefix("| `sync_relay_") }
                .compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) })
        #expect(documented == Set(RelayMetricCatalogue.all.map(\.fullName)))
    }
}
