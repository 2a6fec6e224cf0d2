/// The one-screen summary `sync-relay check` prints for a valid configuration: the effective values, secrets
/// masked (credentials and secret librdkafka properties show `********`).
public enum ConfigurationSummary {
    /// The summary's lines.
    public static func lines(_ configuration: RelayConfiguration, source: String) -> [String] {
        let kafka = configuration.kafka
        let twilio = configuration.twilio
        var lines = ["\(source): configuration is valid", ""]
        lines.append(
            "kafka    brokers \(kafka.brokers.joined(separator: ",")), group \(kafka.groupId), \(kafka.instanceId.map { "static member \($0) (a restart within session.timeout.ms keeps its partitions)" } ?? "dynamic member")\(kafka.groupProtocol == .consumer ? ", KIP-848 group protocol (the broker assigns)" : "")"
        )
        lines.append(
            "         topics \(kafka.topics.map(\.description).joined(separator: ", ")); a partition with no committed offset starts from \(kafka.startFrom)"
        )
        lines.append(
            "         commit every \(DurationText.format(kafka.commitInterval)), dead letters \(kafka.deadLetterTopic ?? "off (dropped records are counted)")"
        )
        lines.append("         security \(kafka.security.summary)")
        if !kafka.properties.isEmpty {
            lines.append("         properties \(kafka.properties)")
        }
        lines.append("twilio   account \(twilio.accountSid), service \(twilio.serviceSid), \(twilio.auth)")
        lines.append(
            "         \(twilio.baseURL), timeouts \(DurationText.format(twilio.connectTimeout)) connect / \(DurationText.format(twilio.requestTimeout)) request, at most \(twilio.maxConcurrentRequests) requests on \(twilio.maxConnections) connections"
        )
        lines.append(
            "         account concurrency limit \(twilio.accountConcurrencyLimit.map { "\($0) requests" } ?? "unknown (learned from a 20429)")"
        )
        if let registry = configuration.schemaRegistry {
            let auth =
                registry.username.map { "basic auth \($0) / \(registry.password)" }
                ?? (registry.token.reveal().isEmpty ? "no credentials" : "bearer token \(registry.token)")
            lines.append(
                "registry \(registry.url), \(auth), \(registry.cacheSize) schemas cached, not ready after \(DurationText.format(registry.unreadyAfter)) unreachable"
            )
        }
        let deadLetters = kafka.deadLetterTopic != nil
        lines.append("streams  defaults: \(describe(configuration.defaults, deadLetters: deadLetters))")
        for route in configuration.routes {
            lines.append("         \(route.topic): \(describe(route.settings, deadLetters: deadLetters))")
        }
        let metrics = configuration.metrics
        lines.append(
            "metrics  \(metrics.enabled ? "http://\(metrics.listen)/metrics" : "off")\(metrics.enabled && !metrics.listen.isLoopback ? " (not loopback: reachable from the network)" : "")"
        )
        lines.append(
            "log      \(configuration.log.level.rawValue), \(configuration.log.format.rawValue); shutdown drains for \(DurationText.format(configuration.shutdown.drainDeadline))"
        )
        return lines
    }

    private static func describe(_ settings: StreamSettings, deadLetters: Bool) -> String {
        let ttl =
            settings.ttl == .zero
            ? "no TTL" : "TTL \(DurationText.format(settings.ttl))\(settings.ttlRefresh ? " refreshed" : "")"
        var overflow =
            "\(settings.overflow.policy.rawValue) at \(settings.overflow.maxRecords) records/\(settings.overflow.maxBytes) B"
        if let maxAge = settings.overflow.maxAge { overflow += ", max age \(DurationText.format(maxAge))" }
        if settings.overflow.conflate { overflow += ", conflated by key" }
        let burst = settings.burst > 0 ? " +\(settings.burst) burst" : ""
        var decoding = ""
        if settings.valueFormat != .auto || settings.keyFormat != .auto {
            decoding += ", value \(settings.valueFormat.rawValue), key \(settings.keyFormat.rawValue)"
        }
        if !settings.shape.select.isEmpty { decoding += ", select \(settings.shape.select.count) fields" }
        if !settings.shape.drop.isEmpty { decoding += ", drop \(settings.shape.drop.count) fields" }
        if let filter = settings.filter { decoding += ", filter \(filter)" }
        let unconfined =
            !settings.stream.isConfined || settings.snapshot.map { !$0.name.isConfined } == true
        if unconfined && settings.unconfinedNames {
            decoding += ", unconfined names (producers choose whole names)"
        }
        var snapshot = ""
        if let kept = settings.snapshot {
            let what = describe(kept, deadLetters: deadLetters)
            guard kept.stream else { return "no stream, snapshot only: \(what)\(decoding)" }
            snapshot = "; snapshot: \(what)"
        }
        return
            "stream \(settings.stream), \(ttl), \(settings.rate)/s\(burst), \(settings.maxMessageBytes) B messages, \(settings.inFlight) in flight, oversize \(settings.oversize.rawValue), \(overflow)\(decoding)\(snapshot)"
    }

    /// What a route's snapshot keeps, and how.
    private static func describe(_ snapshot: SnapshotSettings, deadLetters: Bool) -> String {
        let object =
            switch snapshot.kind {
            case .map: "items \(snapshot.key?.text ?? "") of map \(snapshot.name)"
            case .document: "documents \(snapshot.name)"
            }
        let ttl = snapshot.ttl == .zero ? "no TTL" : "TTL \(DurationText.format(snapshot.ttl))"
        let oversize = (snapshot.oversize ?? (deadLetters ? .deadLetter : .drop)).rawValue
        return
            "latest value per entity in \(object), \(ttl), \(snapshot.rate) KiB/s per \(snapshot.kind.rawValue), oversize \(oversize)"
    }
}
