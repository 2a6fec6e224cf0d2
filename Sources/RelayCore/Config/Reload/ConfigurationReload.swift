/// What a reload of the configuration file (SIGHUP, `systemctl reload`) may change in a running relay, and what
/// it may not. Pure: it compares two validated configurations.
///
/// Live: the routes and stream defaults (rates, formats, overflow, retry, TTL, templates...), `kafka.topics` (the
/// subscription changes; the group rebalances) and `log.level`. Rotated live: the credentials alone, re-read from
/// their files, inline values and `${VAR}`s on every load (Twilio's auth token, or API key SID and secret; the
/// Schema Registry's username, password or token): requests built after the reload carry the new ones, requests in
/// flight finish with the old (docs/decisions/0015-secret-rotation-on-reload.md). Everything else is fixed for the
/// life of the process: the Kafka client's identity and properties (its TLS and SASL settings among them), the
/// Twilio account, service and client, the metrics endpoint, the log format, the shutdown deadline and the Schema
/// Registry's address, CA, timeout and cache. A reload that changes any of those is refused whole (rotations
/// included), and the running configuration stays.
public struct ConfigurationReload: Sendable, Equatable {
    /// Keys that changed and can change live, in file order (`kafka.topics`, `defaults`, `routes`, `log.level`).
    public var live: [String]
    /// Credentials that changed and are swapped live, by key name (never a value), in file order:
    /// `twilio.authToken`, `twilio.apiKeySid`, `twilio.apiKeySecret`, `schemaRegistry.username`,
    /// `schemaRegistry.password`, `schemaRegistry.token`. A key read from a file is named without `File`.
    public var rotated: [String]
    /// Keys that changed but cannot change in a running relay, in file order.
    public var refused: [String]

    /// Whether the reload may be applied (nothing refused).
    public var isAllowed: Bool { refused.isEmpty }
    /// Whether anything changes at all.
    public var isEmpty: Bool { live.isEmpty && rotated.isEmpty && refused.isEmpty }

    /// The changes from `old` to `new`.
    public init(from old: RelayConfiguration, to new: RelayConfiguration) {
        var live: [String] = []
        var rotated: [String] = []
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
        rotated += Self.rotatedKeys(from: t.auth, to: u.auth)
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
        switch (old.schemaRegistry, new.schemaRegistry) {
        case (let r?, let s?):
            compare("schemaRegistry.url", r.url, s.url)
            compare("schemaRegistry.caFile", r.caFile, s.caFile)
            compare("schemaRegistry.timeout", r.timeout, s.timeout)
            compare("schemaRegistry.cacheSize", r.cacheSize, s.cacheSize)
            compare("schemaRegistry.unreadyAfter", r.unreadyAfter, s.unreadyAfter)
            if r.username != s.username { rotated.append("schemaRegistry.username") }
            if r.password != s.password { rotated.append("schemaRegistry.password") }
            if r.token != s.token { rotated.append("schemaRegistry.token") }
        case (nil, nil):
            break
        default:
            refused.append("schemaRegistry")  // added or removed: the decoder and its client are built at start
        }
        self.live = live
        self.rotated = rotated
        self.refused = refused
    }

    /// The Twilio credential keys that differ between `old` and `new`. Switching between an auth token and an API key
    /// is a rotation too: both are HTTP basic credentials of the same account.
    private static func rotatedKeys(from old: TwilioAuth, to new: TwilioAuth) -> [String] {
        switch (old, new) {
        case (.authToken(let a), .authToken(let b)):
            return a == b ? [] : ["twilio.authToken"]
        case (.apiKey(let sid, let secret), .apiKey(let newSID, let newSecret)):
            return (sid == newSID ? [] : ["twilio.apiKeySid"]) + (secret == newSecret ? [] : ["twilio.apiKeySecret"])
        case (.authToken, .apiKey), (.apiKey, .authToken):
            return ["twilio.authToken", "twilio.apiKeySid", "twilio.apiKeySecret"]
        }
    }
}
