/// The name, help text and buckets of every metric `RelayMetrics` exports, declared once. `RelayMetricsFactory`
/// looks the help text and buckets up here by full name when swift-metrics asks for a collector.
///
/// Names start with `sync_relay_` and end with their unit (`_total` for counters, `_seconds`, `_bytes`, `_records`).
/// `docs/metrics.md` documents each one; keep the two in step. Metric names must not contain digits (swift-prometheus
/// 2.4.1 rewrites some digits in names to `_`).
enum RelayMetricCatalogue {
    /// The prefix of every name.
    static let namespace = "sync_relay"

    private static func metric(
        _ name: String, _ unit: String, _ help: String, valueBuckets: [Double]? = nil,
        durationBuckets: [Duration]? = nil
    ) -> RelayMetricName {
        RelayMetricName(
            name: name, unit: unit, help: help, valueBuckets: valueBuckets, durationBuckets: durationBuckets)
    }

    // MARK: Label names

    static let topicLabel = "topic"
    static let partitionLabel = "partition"
    static let streamLabel = "stream"
    static let routeLabel = "route"
    static let reasonLabel = "reason"
    static let statusClassLabel = "status_class"
    static let codeLabel = "code"
    static let versionLabel = "version"
    static let resultLabel = "result"
    static let operationLabel = "operation"
    static let targetLabel = "target"

    // MARK: Intake

    static let recordsConsumed = metric(
        "records_consumed", "total", "Records handed over by the Kafka consumer, by topic.")
    static let consumerLag = metric(
        "consumer_lag", "records",
        "Records in the partition not yet consumed (high watermark minus position), by topic and partition.")
    static let commitLag = metric(
        "commit_lag", "records",
        "Records consumed but not yet committed (consumed minus committed offset), by topic and partition.")
    static let consumerLagSeconds = metric(
        "consumer_lag", "seconds",
        "Age (from its Kafka timestamp) of the oldest record of the partition this relay holds and has not finished, 0 when none waits, by topic and partition: how far behind Kafka the partition's data at Twilio is."
    )

    // MARK: Publishing

    static let recordsPublished = metric(
        "records_published", "total", "Records in messages Twilio accepted, by stream.")
    static let messagesPublished = metric(
        "messages_published", "total", "Stream messages Twilio accepted (2xx), by stream.")
    static let bytesPublished = metric(
        "published", "bytes_total", "Bytes of message data Twilio accepted, by stream.")
    static let messageRecords = metric(
        "message", "records", "Records packed into each accepted message (all streams).",
        valueBuckets: messageRecordBuckets)
    static let messageBytes = metric(
        "message", "bytes", "Size of each accepted message's data (all streams).", valueBuckets: messageByteBuckets)
    static let publishLatency = metric(
        "publish_latency", "seconds", "Time from sending a publish request to Twilio's 2xx answer (all streams).",
        durationBuckets: publishLatencyBuckets)
    static let endToEndLatency = metric(
        "end_to_end_latency", "seconds",
        "Time from a record's Kafka timestamp to Twilio's acceptance of its message (all streams).",
        durationBuckets: endToEndLatencyBuckets)
    static let recordAge = metric(
        "record_age", "seconds",
        "Age of each record (from its Kafka timestamp) when Twilio accepted it: its stream message's 2xx, or its snapshot write's, by route and target (`stream`, `snapshot`).",
        durationBuckets: recordAgeBuckets)

    // MARK: Losses and retries

    static let recordsDropped = metric(
        "records_dropped", "total", "Records a lane gave up on, by stream and reason.")
    static let recordsDeadLettered = metric(
        "records_dead_lettered", "total", "Records written to the dead-letter topic, by stream and reason.")
    static let publishRetries = metric(
        "publish_retries", "total", "Publishes that will be retried, by stream and reason.")
    static let twilioConcurrentRequests = metric(
        "twilio_concurrent", "requests",
        "The highest Twilio-Concurrent-Requests (the Twilio account's requests in flight, every client of the account included) over the last 10 s of responses."
    )
    static let inFlightLimit = metric(
        "in_flight_limit", "messages",
        "The cap on publishes and snapshot writes in flight across all streams: twilio.maxConcurrentRequests, lowered after a 20429 and by what the account's concurrency leaves."
    )
    static let twilioResponses = metric(
        "twilio_responses", "total",
        "Answers from Twilio by status class (2xx, 4xx, 5xx, transport) and Twilio error code (none when absent).")

    // MARK: Lanes and pacing

    static let laneRecords = metric("lane_queued", "records", "Records waiting in a stream's lane.")
    static let laneBytes = metric("lane_queued", "bytes", "Bytes of records waiting in a stream's lane.")
    static let inFlight = metric("in_flight", "messages", "Publishes sent to Twilio and not yet answered, by stream.")
    static let pacerWait = metric(
        "pacer_wait", "seconds", "How long each due message waited for its stream's pacer (all streams).",
        durationBuckets: pacerWaitBuckets)
    static let pacerWaitTotal = metric(
        "pacer_waited_seconds", "total", "Total time due messages waited for the pacer, by stream.")
    static let streamAllowance = metric(
        "stream_allowance", "messages",
        "This relay's allowance of a stream its consumer group shares: whole messages in any one-second window (below 1: a mean rate that may not fit beside the other members'), by stream."
    )

    // MARK: Streams

    static let streamsCreated = metric("streams_created", "total", "Sync Streams the relay created.")
    static let streamsRecreated = metric(
        "streams_recreated", "total", "Sync Streams created again after vanishing while in use, by stream.")
    static let ttlRefreshes = metric("ttl_refreshes", "total", "Sync Stream TTL refreshes.")
    static let streamSeries = metric(
        "stream_label", "values",
        "Distinct stream label values in use; past the cap, further streams are reported as stream=\"_other\".")

    // MARK: Keyed routes (one stream per key): by route, the template, never the key

    static let recordsUnroutable = metric(
        "records_unroutable", "total",
        "Records whose stream name could not be formed, by route (its stream template) and reason; the route's unroutable policy dead-lettered, dropped or sent them to its fallback stream."
    )
    static let routeStreams = metric(
        "route", "streams", "Streams of a keyed route with state in the relay (at most maxActiveStreams).")
    static let routeStreamsCreated = metric(
        "route_streams_created", "total", "Streams of a keyed route created at Twilio (recreations included).")
    static let routeStreamsReleased = metric(
        "route_streams_released", "total", "Streams of a keyed route whose state was released after idleAfter idle.")

    // MARK: Snapshots (Documents, Map items): by route, the snapshot's name template

    static let snapshotChanges = metric(
        "snapshot_changes", "total",
        "Snapshot changes that ended, by route and result: written, deleted (a tombstone), superseded (Twilio held this value or a newer one), refused (dead-lettered or dropped)."
    )
    static let snapshotRecords = metric(
        "snapshot_records", "total",
        "Records whose snapshot part is done, by route and result (a change completes the records conflated into it)."
    )
    static let snapshotConflated = metric(
        "snapshot_conflated", "total",
        "Snapshot values replaced by a newer value of their entity before they were written, by route.")
    static let snapshotRetries = metric(
        "snapshot_retries", "total", "Snapshot requests that will be retried, by route and reason.")
    static let snapshotLatency = metric(
        "snapshot_latency", "seconds",
        "Time from sending a snapshot request to Twilio's answer, by operation (create, update, read, delete, create-map).",
        durationBuckets: publishLatencyBuckets)

    // MARK: Decoding (Schema Registry), filters

    static let recordsUndecodable = metric(
        "records_undecodable", "total",
        "Records whose value or key could not be decoded, by route and reason (not-wire-format, unknown-schema, wrong-schema-type, unsupported-schema, corrupt-payload, not-json, not-text); the route's undecodable policy dead-lettered or dropped them."
    )
    static let recordsFiltered = metric(
        "records_filtered", "total",
        "Records a route's filter rejected, by route; they are done (their offsets commit).")
    static let registryRequests = metric(
        "schema_registry_requests", "total",
        "Schema fetches from the registry, by result: found, not-found, unusable (a schema the relay cannot decode with), unavailable (unreachable or failing: retried while records wait)."
    )
    static let schemasCached = metric("schemas", "cached", "Registry schemas held in memory (at most cacheSize).")

    // MARK: State

    static let ready = metric(
        "ready", "", "1 when Kafka has assigned partitions and Twilio accepts the credentials, else 0.")
    static let buildInfo = metric("build", "info", "Always 1; the version label is this build's version.")
    static let configReloads = metric(
        "config_reloads", "total",
        "Reloads of the configuration file (SIGHUP), by result: applied, unchanged, refused (a key that cannot change live), invalid (the file does not validate), failed (librdkafka refused the new subscription)."
    )
    static let configReloadTime = metric(
        "config_last_reload", "timestamp_seconds", "When the last reload was tried (Unix time), whatever its result.")
    static let configReloadSuccess = metric(
        "config_last_reload_success", "",
        "1 when the last reload was applied (or changed nothing), 0 when it was refused, invalid or failed.")

    /// Every metric, in the order of `docs/metrics.md`.
    static let all: [RelayMetricName] = [
        recordsConsumed, consumerLag, commitLag,
        recordsPublished, messagesPublished, bytesPublished, messageRecords, messageBytes, publishLatency,
        endToEndLatency, recordAge, consumerLagSeconds,
        recordsDropped, recordsDeadLettered, publishRetries, twilioResponses, twilioConcurrentRequests, inFlightLimit,
        laneRecords, laneBytes, inFlight, pacerWait, pacerWaitTotal, streamAllowance,
        streamsCreated, streamsRecreated, ttlRefreshes, streamSeries,
        recordsUnroutable, routeStreams, routeStreamsCreated, routeStreamsReleased,
        snapshotChanges, snapshotRecords, snapshotConflated, snapshotRetries, snapshotLatency,
        recordsUndecodable, recordsFiltered, registryRequests, schemasCached,
        ready, buildInfo, configReloads, configReloadTime, configReloadSuccess,
    ]

    /// Every metric by full name.
    static let byFullName: [String: RelayMetricName] = Dictionary(uniqueKeysWithValues: all.map { ($0.fullName, $0) })

    // MARK: Buckets

    /// Records per message: a message holds one record up to several hundred small ones.
    static let messageRecordBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    /// Message sizes up to Twilio's 4 KiB limit, finer near the top where full messages land.
    static let messageByteBuckets: [Double] = [256, 512, 1024, 2048, 3072, 3584, 3840, 4096]
    /// Publish round trips: loopback milliseconds to throttled seconds.
    static let publishLatencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    /// Kafka to acceptance: a few milliseconds when under budget, minutes under backlog.
    static let endToEndLatencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
        .seconds(60), .seconds(300),
    ]
    /// Freshness: 10 ms (a relay keeping up on a near network) to 10 minutes (a backlog being worked off).
    static let recordAgeBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(120), .seconds(300), .seconds(600),
    ]
    /// Pacer waits: none, up to the pacing interval, up to a Retry-After pause.
    static let pacerWaitBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(10), .milliseconds(34), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
    ]
}

/// One metric's name parts, help text and, for a histogram, its buckets.
struct RelayMetricName: Sendable {
    /// The base name, between the namespace and the unit.
    let name: String
    /// The unit suffix (`total`, `seconds`, `bytes`, ...), or empty.
    let unit: String
    /// The `# HELP` text.
    let help: String
    /// The buckets of a value histogram (a swift-metrics `Recorder` that aggregates).
    var valueBuckets: [Double]? = nil
    /// The buckets of a duration histogram (a swift-metrics `Timer`).
    var durationBuckets: [Duration]? = nil

    /// The full name, `sync_relay_<name>_<unit>` (empty parts left out), which is the swift-metrics label.
    var fullName: String {
        [RelayMetricCatalogue.namespace, name, unit].filter { !$0.isEmpty }.joined(separator: "_")
    }
}
