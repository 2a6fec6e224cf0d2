/// Turns a schema-checked, substituted JSON document into a `RelayConfiguration`, applying defaults, merging each
/// route over `defaults`, reading secret files, and running the rules that span several keys. Collects every
/// problem; the loader fails if there is any.
struct ConfigurationBuilder {
    /// Reads a secret file's text, or throws a reason safe to print.
    let readSecretFile: (String) throws -> String
    /// Where relative secret-file paths are resolved: `$CREDENTIALS_DIRECTORY`, else the config file's folder.
    let secretDirectory: String?
    /// What `{hostname}` in `kafka.instanceId` becomes; nil when it could not be read.
    let hostName: String?
    /// Why a file librdkafka will read cannot be read (nil: it can); the flag allows a directory.
    let fileProblem: (String, Bool) -> String?

    private(set) var problems: [ConfigurationProblem] = []

    init(
        readSecretFile: @escaping (String) throws -> String, secretDirectory: String?, hostName: String?,
        fileProblem: @escaping (String, Bool) -> String?
    ) {
        self.readSecretFile = readSecretFile
        self.secretDirectory = secretDirectory
        self.hostName = hostName
        self.fileProblem = fileProblem
    }

    /// `path` as librdkafka or the relay should open it: relative paths are in the secret directory.
    private func resolved(_ path: String) -> String {
        path.hasPrefix("/") || secretDirectory == nil ? path : "\(secretDirectory!)/\(path)"
    }

    private mutating func report(_ path: JSONPath, _ message: String) {
        problems.append(ConfigurationProblem(path, message))
    }

    mutating func build(_ document: JSONValue) -> RelayConfiguration {
        let root = ConfigReader(document, RelayConfigurationSchema.root, at: .root)
        let kafka = buildKafka(root.object("kafka"))
        let twilio = buildTwilio(root.object("twilio"))
        let defaultsReader = root.object("defaults")
        let defaults = buildStreamSettings(defaultsReader, routeValue: nil, routePath: nil)
        var routes: [RouteConfiguration] = []
        var seenTopics = Set<String>()
        if case .array(let elements) = root.written("routes") {
            for (index, element) in elements.enumerated() where element.members != nil {
                let path = JSONPath.root.appending("routes").appending(index: index)
                let merged = defaultsReader.value.merging(element)
                let reader = ConfigReader(merged, RelayConfigurationSchema.mergedRouteSettings, at: path)
                guard case .string(let topicText) = element["topic"] else { continue }
                let topic = TopicSelector(topicText)
                if let problem = topic.compileProblem { report(path.appending("topic"), problem) }
                if !seenTopics.insert(topicText).inserted {
                    report(
                        path.appending("topic"),
                        "another route already matches '\(topicText)' first, so this route never applies; merge the two"
                    )
                } else if case .name(let name) = topic, !kafka.topics.contains(where: { $0.matches(name) }) {
                    report(
                        path.appending("topic"),
                        "topic '\(name)' is not consumed; add it to kafka.topics or remove this route")
                }
                let settings = buildStreamSettings(reader, routeValue: element, routePath: path)
                routes.append(RouteConfiguration(topic: topic, settings: settings))
            }
        }
        let configuration = RelayConfiguration(
            kafka: kafka, twilio: twilio, defaults: defaults, routes: routes,
            metrics: buildMetrics(root.object("metrics")),
            log: LogConfiguration(
                level: root.object("log").choice("level"), format: root.object("log").choice("format")),
            shutdown: ShutdownConfiguration(drainDeadline: root.object("shutdown").duration("drainDeadline")),
            schemaRegistry: root.written("schemaRegistry") == nil
                ? nil : buildSchemaRegistry(root.object("schemaRegistry"))
        )
        checkStreamNames(configuration)
        checkRegistryFormats(configuration, routeElements: root.written("routes"))
        checkDeadLetters(configuration, routeElements: root.written("routes"))
        return configuration
    }

    // MARK: Sections

    private mutating func buildKafka(_ reader: ConfigReader) -> KafkaConfiguration {
        let brokers = reader.strings("brokers")
        for (index, broker) in brokers.enumerated() {
            if let address = HostPort(broker), address.port == 0 {
                report(
                    reader.path("brokers").appending(index: index),
                    "port 0 is not a broker port; use the port the broker listens on (usually 9092)")
            } else if HostPort(broker) == nil, broker.contains(":") {
                report(reader.path("brokers").appending(index: index), "'\(broker)' has a port above 65535")
            }
        }
        let topics = reader.strings("topics").map(TopicSelector.init)
        for (index, topic) in topics.enumerated() {
            if let problem = topic.compileProblem { report(reader.path("topics").appending(index: index), problem) }
        }
        var properties = reader.stringMap("properties")
        for name in properties.keys.sorted() {
            if let reason = KafkaConfiguration.ownedProperties[name] {
                report(
                    reader.path("properties").appending(name), "is set by the relay and cannot be overridden: \(reason)"
                )
            }
        }
        let security = KafkaSecurity.check(properties)
        for (name, message) in security.problems { report(reader.path("properties").appending(name), message) }
        let misplaced = Set(security.problems.map(\.property))
        for name in KafkaSecurity.fileProperties.sorted() where !misplaced.contains(name) {
            guard let path = properties[name], !path.isEmpty else { continue }
            // `probe`: the system's CA store; compared exactly, as librdkafka does.
            if name == "ssl.ca.location" && path == "probe" { continue }
            let file = resolved(path)
            properties[name] = file
            if let problem = fileProblem(file, name == "ssl.ca.location") {
                report(reader.path("properties").appending(name), "cannot read '\(file)': \(problem)")
            }
        }
        var instanceId: String?
        if let template = reader.string("instanceId"), !template.isEmpty {
            switch GroupInstanceId.render(template, hostName: hostName) {
            case .success(let id): instanceId = id
            case .failure(let problem): report(reader.path("instanceId"), problem.description)
            }
        }
        let groupProtocol: KafkaConfiguration.GroupProtocol = reader.choice("groupProtocol")
        let startText = reader.string("startFrom") ?? StartPosition.earliest.description
        let parsedStart = StartPosition(parsing: startText)
        let startFrom = parsedStart ?? .earliest
        if parsedStart == nil {
            report(
                reader.path("startFrom"),
                "'\(startText)' is not a date and time that exists (RFC 3339, e.g. 2026-12-06T09:30:00Z)")
        }
        for name in properties.keys.sorted() {
            if groupProtocol == .consumer, let reason = KafkaConfiguration.classicOnlyProperties[name] {
                report(
                    reader.path("properties").appending(name),
                    "is not used with kafka.groupProtocol \"consumer\" (KIP-848): \(reason)")
            } else if groupProtocol == .classic, name == "group.remote.assignor" {
                report(
                    reader.path("properties").appending(name),
                    "is used only with kafka.groupProtocol \"consumer\" (KIP-848); the classic protocol assigns with partition.assignment.strategy"
                )
            }
        }
        let deadLetterTopic = reader.string("deadLetterTopic")
        if let deadLetterTopic, topics.contains(where: { $0.matches(deadLetterTopic) }) {
            report(
                reader.path("deadLetterTopic"),
                "'\(deadLetterTopic)' is also consumed (kafka.topics), so dead letters would be relayed again; use a topic the relay does not consume"
            )
        }
        return KafkaConfiguration(
            brokers: brokers, groupId: reader.string("groupId") ?? "sync-relay", topics: topics,
            startFrom: startFrom, instanceId: instanceId, groupProtocol: groupProtocol,
            properties: KafkaProperties(properties),
            security: security.plan,
            deadLetterTopic: deadLetterTopic, commitInterval: reader.duration("commitInterval"),
            rebalanceDrainDeadline: reader.duration("rebalanceDrainDeadline"),
            statisticsInterval: reader.duration("statisticsInterval")
        )
    }

    private mutating func buildTwilio(_ reader: ConfigReader) -> TwilioConfiguration {
        let baseURL = reader.string("baseURL") ?? "https://sync.twilio.com"
        if baseURL.hasPrefix("http://") {
            let authority = baseURL.dropFirst("http://".count)
            let host: String
            if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
                host = String(authority[authority.index(after: authority.startIndex)..<end])
            } else {
                host = String(authority.prefix { $0 != ":" })
            }
            if !HostPort.isLoopback(host: host) {
                report(
                    reader.path("baseURL"),
                    "plain http:// is allowed only for loopback hosts (the local emulator); use https:// for \(host)")
            }
        }
        return TwilioConfiguration(
            accountSid: reader.string("accountSid") ?? "", auth: buildAuth(reader),
            serviceSid: reader.string("serviceSid") ?? "", baseURL: baseURL,
            connectTimeout: reader.duration("connectTimeout"), requestTimeout: reader.duration("requestTimeout"),
            unavailableAfter: reader.duration("unavailableAfter"),
            maxConcurrentRequests: reader.int("maxConcurrentRequests"), maxConnections: reader.int("maxConnections"),
            accountConcurrencyLimit: reader.written("accountConcurrencyLimit") == nil
                ? nil : reader.int("accountConcurrencyLimit"),
            maxCreatesPerSecond: reader.int("maxCreatesPerSecond"), knownStreams: reader.int("knownStreams")
        )
    }

    private mutating func buildAuth(_ reader: ConfigReader) -> TwilioAuth {
        let tokenKeys = ["authToken", "authTokenFile"].filter { reader.written($0) != nil }
        let secretKeys = ["apiKeySecret", "apiKeySecretFile"].filter { reader.written($0) != nil }
        let apiKeySid = reader.string("apiKeySid")
        let forms = tokenKeys.count + (apiKeySid == nil ? 0 : 1)
        if forms == 0 {
            if secretKeys.isEmpty {
                report(
                    reader.path,
                    "needs credentials: set authToken (or authTokenFile), or apiKeySid with apiKeySecret (or apiKeySecretFile)"
                )
            } else {
                report(
                    reader.path("apiKeySid"),
                    "is required with \(secretKeys[0]): the API Key SID (SK...) the secret belongs to")
            }
        } else if forms > 1 {
            let given = (tokenKeys + (apiKeySid == nil ? [] : ["apiKeySid"])).joined(separator: ", ")
            report(reader.path, "has more than one credential (\(given)); keep exactly one")
        }
        if apiKeySid != nil {
            if secretKeys.isEmpty {
                report(reader.path("apiKeySecret"), "is required with apiKeySid: set apiKeySecret or apiKeySecretFile")
            } else if secretKeys.count > 1 {
                report(reader.path, "has both apiKeySecret and apiKeySecretFile; keep one")
            }
            return .apiKey(
                sid: apiKeySid ?? "", secret: secret(reader, value: "apiKeySecret", file: "apiKeySecretFile"))
        }
        if !tokenKeys.isEmpty, !secretKeys.isEmpty {
            report(reader.path(secretKeys[0]), "belongs with apiKeySid, but the auth token is used; remove it")
        }
        return .authToken(secret(reader, value: "authToken", file: "authTokenFile"))
    }

    private mutating func buildSchemaRegistry(_ reader: ConfigReader) -> SchemaRegistryConfiguration {
        let url = reader.string("url") ?? ""
        let basic = ["password", "passwordFile"].filter { reader.written($0) != nil }
        let bearer = ["token", "tokenFile"].filter { reader.written($0) != nil }
        let username = reader.string("username")
        if basic.count > 1 { report(reader.path, "has both password and passwordFile; keep one") }
        if bearer.count > 1 { report(reader.path, "has both token and tokenFile; keep one") }
        if username != nil, basic.isEmpty {
            report(reader.path("password"), "is required with username: set password or passwordFile")
        }
        if username == nil, let key = basic.first {
            report(reader.path("username"), "is required with \(key): the basic auth user the password belongs to")
        }
        if username != nil, let key = bearer.first {
            report(reader.path(key), "cannot be used with basic auth (username); keep one kind of credentials")
        }
        var caFile = reader.string("caFile")
        if let path = caFile {
            caFile = resolved(path)
            if let problem = fileProblem(caFile!, false) {
                report(reader.path("caFile"), "cannot read '\(caFile!)': \(problem)")
            }
        }
        return SchemaRegistryConfiguration(
            url: url.hasSuffix("/") ? String(url.dropLast()) : url, username: username,
            password: basic.isEmpty ? SecretText("") : secret(reader, value: "password", file: "passwordFile"),
            token: bearer.isEmpty ? SecretText("") : secret(reader, value: "token", file: "tokenFile"),
            caFile: caFile, timeout: reader.duration("timeout"), cacheSize: reader.int("cacheSize"),
            unreadyAfter: reader.duration("unreadyAfter"))
    }

    private mutating func secret(_ reader: ConfigReader, value: String, file: String) -> SecretText {
        if let text = reader.string(value) { return SecretText(text) }
        guard let path = reader.string(file), !path.isEmpty else { return SecretText("") }
        let resolved = resolved(path)
        do {
            var text = try readSecretFile(resolved)
            while text.last?.isNewline == true { text.removeLast() }
            if text.isEmpty { report(reader.path(file), "'\(resolved)' is empty; it should hold the secret") }
            return SecretText(text)
        } catch {
            report(reader.path(file), "cannot read '\(resolved)': \(error)")
            return SecretText("")
        }
    }

    private mutating func buildMetrics(_ reader: ConfigReader) -> MetricsConfiguration {
        let listen = reader.string("listen") ?? "127.0.0.1:9464"
        let address = HostPort(listen)
        if address == nil, listen.contains(":") {
            report(reader.path("listen"), "'\(listen)' has a port above 65535")
        }
        return MetricsConfiguration(enabled: reader.bool("enabled"), listen: address ?? HostPort("127.0.0.1:9464")!)
    }

    // MARK: Stream settings

    /// Builds settings from `reader` (defaults, or a route merged over defaults). Problems found in a value point
    /// at the route when the route wrote that key, else at `defaults`.
    private mutating func buildStreamSettings(
        _ reader: ConfigReader, routeValue: JSONValue?, routePath: JSONPath?
    ) -> StreamSettings {
        func origin(_ keys: String...) -> JSONPath {
            var written = routeValue
            for key in keys { written = written?[key] }
            var path = written != nil ? routePath! : JSONPath.root.appending("defaults")
            for key in keys { path = path.appending(key) }
            return path
        }
        var template = try? StreamNameTemplate("{topic}")
        do throws(StreamNameTemplate.TemplateError) {
            template = try StreamNameTemplate(reader.string("stream") ?? "{topic}")
        } catch {
            report(origin("stream"), error.reason)
        }
        let unroutable = reader.string("unroutable").flatMap(UnroutablePolicy.init(rawValue:))
        var fallback: StreamNameTemplate?
        if let text = reader.string("fallbackStream") {
            do throws(StreamNameTemplate.TemplateError) {
                fallback = try StreamNameTemplate(text)
                if fallback!.isKeyed {
                    report(
                        origin("fallbackStream"),
                        "the fallback stream is for records whose values cannot name a stream: use {topic} and {partition} only"
                    )
                }
            } catch {
                report(origin("fallbackStream"), error.reason)
            }
        }
        if unroutable == .fallback, reader.string("fallbackStream") == nil {
            report(
                origin("unroutable"), "is fallback but no fallbackStream is set; set one, or choose dead-letter or drop"
            )
        }
        var shape = ValueShape()
        for (key, isSelect) in [("select", true), ("drop", false)] {
            for (index, text) in reader.strings(key).enumerated() {
                do throws(StreamNameTemplate.TemplateError) {
                    let pointer = try JSONPointer(text)
                    if isSelect { shape.select.append(pointer) } else { shape.drop.append(pointer) }
                } catch {
                    report(origin(key).appending(index: index), error.reason)
                }
            }
        }
        var filter: RecordFilter?
        if let text = reader.string("filter") {
            do throws(RecordFilter.FilterError) {
                filter = try RecordFilter(text)
            } catch {
                report(origin("filter"), error.description)
            }
        }
        let ttl = reader.duration("ttl")
        if ttl.components.attoseconds != 0 {
            report(origin("ttl"), "Twilio takes the TTL in whole seconds; write it in s, m, h or d")
        }
        let format = reader.object("format")
        let overflow = reader.object("overflow")
        let retry = reader.object("retry")
        var settings = StreamSettings(
            stream: template!, unroutable: unroutable, fallbackStream: fallback,
            idleAfter: reader.duration("idleAfter"),
            maxActiveStreams: reader.int("maxActiveStreams"), ttl: ttl, ttlRefresh: reader.bool("ttlRefresh"),
            rate: reader.int("rate"),
            burst: reader.int("burst"), inFlight: reader.int("inFlight"),
            maxMessageBytes: reader.int("maxMessageBytes"),
            maxRecordsPerMessage: reader.int("maxRecordsPerMessage"), linger: reader.duration("linger"),
            format: .init(
                key: format.bool("key"), topic: format.bool("topic"), partition: format.bool("partition"),
                offset: format.bool("offset"),
                timestamp: format.bool("timestamp"), headers: format.bool("headers"), id: format.bool("id")
            ),
            oversize: reader.choice("oversize"),
            overflow: .init(
                policy: overflow.choice("policy"),
                maxRecords: overflow.int("maxRecords"),
                maxBytes: overflow.int("maxBytes"),
                maxAge: overflow.duration("maxAge") == .zero ? nil : overflow.duration("maxAge"),
                conflate: overflow.bool("conflate")
            ),
            retry: .init(
                initialBackoff: retry.duration("initialBackoff"), maxBackoff: retry.duration("maxBackoff"),
                maxRetryAfter: retry.duration("maxRetryAfter"),
                maxAttempts: retry.int("maxAttempts") == 0 ? nil : retry.int("maxAttempts"),
                authRetryInterval: retry.duration("authRetryInterval")
            )
        )
        settings.unconfinedNames = reader.bool("unconfinedNames")
        if routePath != nil, !settings.unconfinedNames,
            let problem = settings.stream.confinementProblem(naming: "stream")
        {
            report(origin("stream"), problem)
        }
        settings.valueFormat = reader.object("value").choice("format")
        settings.keyFormat = reader.object("key").choice("format")
        settings.undecodable = reader.string("undecodable").flatMap(UndecodablePolicy.init(rawValue:))
        settings.shape = shape
        settings.filter = filter
        if reader.schema.field("snapshot") != nil, reader.written("snapshot") != nil {
            settings.snapshot = buildSnapshot(reader.object("snapshot"), at: origin("snapshot"))
            if !settings.unconfinedNames, let snapshot = settings.snapshot,
                let problem = snapshot.name.confinementProblem(naming: snapshot.kind.rawValue)
            {
                report(origin("snapshot", "name"), problem)
            }
        }
        if settings.overflow.maxBytes < settings.maxMessageBytes {
            report(
                origin("overflow", "maxBytes"),
                "\(settings.overflow.maxBytes) bytes cannot hold one full message of maxMessageBytes \(settings.maxMessageBytes); raise it"
            )
        }
        if settings.retry.maxBackoff < settings.retry.initialBackoff {
            report(
                origin("retry", "maxBackoff"),
                "is shorter than retry.initialBackoff (\(DurationText.format(settings.retry.initialBackoff))); raise it"
            )
        }
        return settings
    }

    /// A route's `snapshot` (the schema has already reported a missing or invalid `kind` or `name`).
    private mutating func buildSnapshot(_ reader: ConfigReader, at path: JSONPath) -> SnapshotSettings? {
        guard let kind = reader.string("kind").flatMap(SnapshotKind.init(rawValue:)),
            let nameText = reader.string("name")
        else { return nil }
        var name: StreamNameTemplate?
        do throws(StreamNameTemplate.TemplateError) {
            name = try StreamNameTemplate(nameText)
        } catch {
            report(path.appending("name"), error.reason)
        }
        var key: StreamNameTemplate?
        switch (kind, reader.string("key")) {
        case (.document, _?):
            report(
                path.appending("key"),
                "only a map's items have keys: a document is named by name alone (e.g. vehicle-{key}); remove key, or choose kind map"
            )
        case (.map, nil):
            report(path.appending("key"), "is required for a map: the item key template, e.g. {key}")
        case (.map, let text?):
            do throws(StreamNameTemplate.TemplateError) {
                key = try StreamNameTemplate(text)
            } catch {
                report(path.appending("key"), error.reason)
            }
        case (.document, nil):
            break
        }
        let ttl = reader.duration("ttl")
        if ttl.components.attoseconds != 0 {
            report(path.appending("ttl"), "Twilio takes the TTL in whole seconds; write it in s, m, h or d")
        }
        guard let name, kind == .document || key != nil else { return nil }
        return SnapshotSettings(
            kind: kind, name: name, key: key, ttl: ttl, rate: reader.int("rate"),
            oversize: reader.string("oversize").flatMap(SnapshotOversizePolicy.init(rawValue:)),
            stream: reader.bool("stream"))
    }

    // MARK: Rules across sections

    private mutating func checkStreamNames(_ configuration: RelayConfiguration) {
        let literalTopics = configuration.kafka.topics.compactMap { if case .name(let name) = $0 { name } else { nil } }
        let subscribesPatterns = configuration.kafka.topics.contains { if case .pattern = $0 { true } else { false } }
        for (index, route) in configuration.routes.enumerated() {
            let path = JSONPath.root.appending("routes").appending(index: index).appending("stream")
            let fallbackPath = JSONPath.root.appending("routes").appending(index: index).appending("fallbackStream")
            let snapshotPath = JSONPath.root.appending("routes").appending(index: index).appending("snapshot")
                .appending("name")
            switch route.topic {
            case .name(let name):
                if let problem = route.settings.stream.problem(forTopic: name) { report(path, problem) }
                if let problem = route.settings.snapshot?.name.problem(forTopic: name) {
                    report(snapshotPath, problem)
                }
                if let problem = route.settings.fallbackStream?.problem(forTopic: name) {
                    report(fallbackPath, problem)
                }
            case .pattern:
                if let problem = route.settings.stream.problem(forTopic: nil) { report(path, problem) }
                if let problem = route.settings.snapshot?.name.problem(forTopic: nil) { report(snapshotPath, problem) }
                if let problem = route.settings.fallbackStream?.problem(forTopic: nil) { report(fallbackPath, problem) }
            }
        }
        let path = JSONPath.root.appending("defaults").appending("stream")
        let defaultsServeTopics =
            subscribesPatterns
            || literalTopics.contains { topic in !configuration.routes.contains(where: { $0.topic.matches(topic) }) }
        if defaultsServeTopics, !configuration.defaults.unconfinedNames,
            let problem = configuration.defaults.stream.confinementProblem(naming: "stream")
        {
            report(path, problem)
        }
        for topic in literalTopics where !configuration.routes.contains(where: { $0.topic.matches(topic) }) {
            if let problem = configuration.defaults.stream.problem(forTopic: topic) { return report(path, problem) }
        }
        if subscribesPatterns, let problem = configuration.defaults.stream.problem(forTopic: nil) {
            report(path, problem)
        }
    }

    /// A route (or `defaults`) whose value or key format needs a registry, with no `schemaRegistry`.
    private mutating func checkRegistryFormats(_ configuration: RelayConfiguration, routeElements: JSONValue?) {
        guard configuration.schemaRegistry == nil else { return }
        func check(_ settings: StreamSettings, written: JSONValue?, at path: JSONPath) {
            for (field, format) in [("value", settings.valueFormat), ("key", settings.keyFormat)]
            where format.needsRegistry {
                guard written == nil || written?[field]?["format"] != nil else { continue }
                report(
                    path.appending(field).appending("format"),
                    "is \(format.rawValue), which needs a Schema Registry; set schemaRegistry.url, or choose auto, json, text or bytes"
                )
            }
        }
        check(configuration.defaults, written: nil, at: JSONPath.root.appending("defaults"))
        guard case .array(let elements) = routeElements else { return }
        for (index, route) in configuration.routes.enumerated() where index < elements.count {
            check(
                route.settings, written: elements[index], at: JSONPath.root.appending("routes").appending(index: index))
        }
    }

    private mutating func checkDeadLetters(_ configuration: RelayConfiguration, routeElements: JSONValue?) {
        guard configuration.kafka.deadLetterTopic == nil else { return }
        let checks: [(key: String, fix: String, inDefaults: Bool)] = [
            (
                "oversize", "set kafka.deadLetterTopic, or choose split or drop",
                configuration.defaults.oversize == .deadLetter
            ),
            (
                "unroutable", "set kafka.deadLetterTopic, or choose drop or fallback",
                configuration.defaults.unroutable == .deadLetter
            ),
            (
                "undecodable", "set kafka.deadLetterTopic, or choose drop",
                configuration.defaults.undecodable == .deadLetter
            ),
        ]
        let snapshotFix =
            "is dead-letter but no kafka.deadLetterTopic is set; set kafka.deadLetterTopic, or choose drop"
        if case .array(let elements) = routeElements {
            for (index, element) in elements.enumerated()
            where element["snapshot"]?["oversize"] == .string("dead-letter") {
                report(
                    JSONPath.root.appending("routes").appending(index: index).appending("snapshot")
                        .appending("oversize"), snapshotFix)
            }
        }
        for check in checks {
            if check.inDefaults {
                report(
                    JSONPath.root.appending("defaults").appending(check.key),
                    "is dead-letter but no kafka.deadLetterTopic is set; \(check.fix)")
            }
            guard case .array(let elements) = routeElements else { continue }
            for (index, element) in elements.enumerated() where element[check.key] == .string("dead-letter") {
                report(
                    JSONPath.root.appending("routes").appending(index: index).appending(check.key),
                    "is dead-letter but no kafka.deadLetterTopic is set; \(check.fix)")
            }
        }
    }
}
