/// What a reload of the configuration file (SIGHUP, `systemctl reload`) may change in a running relay, and what
/// it may not. Pure: it compares two validated configurations.
///
/// Live: the routes and stream defaults (rates, formats, overflow, retry, TTL, templates...), `kafka.topics` (the
/// subscription changes; the group rebalances) and `log.level`. Everything else is fixed for the life of the
/// process: the Kafka client's identity and properties, the Twilio account and client, the metrics endpoint, the
/// log format, the shutdown deadline and the Schema Registry. A reload that changes any of those is refused whole, and the running
/// configuration stays.
public struct ConfigurationReload: Sendable, Equatable {
    /// Keys that changed and can change live, in file order (`kafka.topics`, `defaults`, `routes`, `log.level`).
    public var live: [String]
    /// Keys that changed but cannot change in a running relay, in file order.
    public var refused: [String]

    /// Whether the reload may be applied (nothing refused).
    public var isAllowed: Bool { refused.isEmpty }
    /// Whether anything changes at all.
    public var isEmpty: Bool { live.isEmpty && refused.isEmpty }

    /// The changes from `old` to `new`.
    public init(from old: RelayConfiguration, to new: RelayConfiguration) {
        var live: [String] = []
        var refused: [String] = []
        func compare<Value: Equatable>(_ key: String, _ old: Value, _ new: Value, isLive: Bool = false) {
            guard old != new else { return }
            if isLive { live.append(key) } else { refused.append(key) }
        }
        let (a, b) = (old.kafka, new.kafka)
        compare("kafka.brokers", a.brokers, b.brokers)
        compare("kafka.groupId", a.groupId, b.groupId)
        compare("kafka.topics", a.topics, b.topics, isLive: true)
        compare("kafka.startFrom", a.startFrom, b.startFrom)
        compare("kafka.instanceId", a.instanceId, b.instanceId)
        compare("kafka.groupProtocol", a.groupProtocol, b.groupProtocol)
        compare("kafka.properties", a.properties, b.properties)
        compare("kafka.deadLetterTopic", a.deadLetterTopic, b.deadLetterTopic)
        compare("kafka.commitInterval", a.commitInterval, b.commitInterval)
        compare("kafka.rebalanceDrainDeadline", a.rebalanceDrainDeadline, b.rebalanceDrainDeadline)
        compare("kafka.statisticsInterval", a.statisticsInterval, b.statisticsInterval)
        let (t, u) = (old.twilio, new.twilio)
        compare("twilio.accountSid", t.accountSid, u.accountSid)
        compare("twilio.auth", t.auth, u.auth)  // authToken, apiKeySid and their secrets or files
        compare("twilio.serviceSid", t.serviceSid, u.serviceSid)
        compare("twilio.baseURL", t.baseURL, u.baseURL)
        compare("twilio.connectTimeout", t.connectTimeout, u.connectTimeout)
        compare("twilio.requestTimeout", t.requestTimeout, u.requestTimeout)
        compare("twilio.unavailableAfter", t.unavailableAfter, u.unavailableAfter)
        compare("twilio.maxConcurrentRequests", t.maxConcurrentRequests, u.maxConcurrentRequests)
        compare("twilio.maxConnections", t.maxConnections, u.maxConnections)
        compare("twilio.accountConcurrencyLimit", t.accountConcurrencyLimit, u.accountConcurrencyLimit)
        compare("twilio.maxCreatesPerSecond", t.maxCreatesPerSecond, u.maxCreatesPerSecond)
        compare("twilio.knownStreams", t.knownStreams, u.knownStreams)
        compare("defaults", old.defaults, new.defaults, isLive: true)
        compare("routes", old.routes, new.routes, isLive: true)
        compare("metrics.enabled", old.metrics.enabled, new.metrics.enabled)
        compare("metrics.listen", old.metrics.listen, new.metrics.listen)
        compare("log.level", old.log.level, new.log.level, isLive: true)
        compare("log.format", old.log.format, new.log.format)
        compare("shutdown.drainDeadline", old.shutdown.drainDeadline, new.shutdown.drainDeadline)
        compare("schemaRegistry", old.schemaRegistry, new.schemaRegistry)
        self.live = live
        self.refused = refused
    }
}
