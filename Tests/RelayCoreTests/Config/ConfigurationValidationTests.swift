import RelayCore
import Testing

/// One bad value and the problem it must produce.
struct BadValue: CustomTestStringConvertible, Sendable {
    let steps: [String]
    let value: JSONValue?
    let path: String
    let fragment: String

    init(_ steps: [String], _ value: JSONValue?, _ path: String, _ fragment: String) {
        self.steps = steps
        self.value = value
        self.path = path
        self.fragment = fragment
    }

    var testDescription: String { "\(path) <- \(value.map { $0.text() } ?? "removed")" }
    var pathSteps: [PathStep] { steps.map { Int($0).map(PathStep.index) ?? .key($0) } }
}

@Suite("Configuration validation")
struct ConfigurationValidationTests {
    @Test func minimalConfigurationLoadsWithDefaults() throws {
        let configuration = try loadConfiguration(minimalConfiguration).get()
        #expect(configuration.kafka.groupId == "sync-relay")
        #expect(configuration.kafka.startFrom == .earliest)
        #expect(configuration.twilio.baseURL == "https://sync.twilio.com")
        #expect(configuration.defaults.rate == 30)
        #expect(configuration.defaults.maxMessageBytes == 4096)
        #expect(configuration.defaults.overflow.policy == .block)
        #expect(configuration.defaults.oversize == .split)
        #expect(configuration.defaults.retry.maxAttempts == nil)
        #expect(configuration.defaults.ttl == .zero)
        #expect(configuration.metrics.listen == HostPort("127.0.0.1:9464"))
        #expect(configuration.shutdown.drainDeadline == .seconds(20))
        let latest = try loadConfiguration(minimalConfiguration.setting(["kafka", "startFrom"], to: "latest")).get()
        #expect(latest.kafka.startFrom == .latest)
        #expect(
            ConfigurationSummary.lines(latest, source: "x").contains {
                $0.contains("no committed offset starts from latest")
            })
    }

    @Test func startFromTakesATimeOrADurationBack() throws {
        let cases: [(String, StartPosition, String, Int64?)] = [
            (
                "2026-12-06T09:30:00Z", .time(milliseconds: 1_796_549_400_000, text: "2026-12-06T09:30:00Z"),
                "earliest",
                1_796_549_400_000
            ),
            (
                "2026-12-06T10:30:00.250+01:00",
                .time(milliseconds: 1_796_549_400_250, text: "2026-12-06T10:30:00.250+01:00"), "earliest",
                1_796_549_400_250
            ),
            ("1970-01-01T00:00:00Z", .time(milliseconds: 0, text: "1970-01-01T00:00:00Z"), "earliest", 0),
            (
                "2024-02-29T23:59:59.9999-00:30",
                .time(milliseconds: 1_709_252_999_999, text: "2024-02-29T23:59:59.9999-00:30"),
                "earliest", 1_709_252_999_999
            ),
            ("-1h", .ago(.seconds(3600)), "earliest", 1_000_000_000_000 - 3_600_000),
            ("-90s", .ago(.seconds(90)), "earliest", 1_000_000_000_000 - 90_000),
            ("earliest", .earliest, "earliest", nil),
            ("latest", .latest, "latest", nil),
        ]
        for (text, expected, reset, lookup) in cases {
            let configuration = try loadConfiguration(
                minimalConfiguration.setting(["kafka", "startFrom"], to: .string(text))
            ).get()
            #expect(configuration.kafka.startFrom == expected, "\(text)")
            #expect(configuration.kafka.startFrom.autoOffsetReset == reset, "\(text)")
            #expect(
                configuration.kafka.startFrom.lookupTimestamp(nowMilliseconds: 1_000_000_000_000) == lookup, "\(text)")
            #expect(
                ConfigurationSummary.lines(configuration, source: "x").contains {
                    $0.contains("no committed offset starts from \(expected.description)")
                }, "\(text)")
        }
        #expect(StartPosition.ago(.seconds(3600)).description == "-1h")
        // Changing it on reload is refused, as for earliest and latest.
        let old = try loadConfiguration(minimalConfiguration).get()
        let new = try loadConfiguration(minimalConfiguration.setting(["kafka", "startFrom"], to: "-1h")).get()
        #expect(ConfigurationReload(from: old, to: new).refused == ["kafka.startFrom"])
    }

    @Test func theKIP848GroupProtocolIsAnOptInThatLeavesTheBrokerItsSettings() throws {
        let classic = try loadConfiguration(minimalConfiguration).get()
        #expect(classic.kafka.groupProtocol == .classic)
        #expect(!ConfigurationSummary.lines(classic, source: "x").contains { $0.contains("KIP-848") })
        let document = minimalConfiguration.setting(["kafka", "groupProtocol"], to: "consumer")
        let consumer = try loadConfiguration(document).get()
        #expect(consumer.kafka.groupProtocol == .consumer)
        #expect(ConfigurationSummary.lines(consumer, source: "x").contains { $0.contains("KIP-848 group protocol") })
        let assignor = try loadConfiguration(
            document.setting(["kafka", "properties"], to: .object([JSONMember("group.remote.assignor", "uniform")]))
        ).get()
        #expect(assignor.kafka.properties.all.contains { $0.name == "group.remote.assignor" && $0.value == "uniform" })
        // What the broker decides under KIP-848 is refused with the reason, as librdkafka would refuse it at start.
        for name in [
            "session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy", "group.protocol.type",
        ] {
            let refused = loadConfiguration(
                document.setting(["kafka", "properties"], to: .object([JSONMember(name, "x")])))
            guard case .failure(let error) = refused else {
                Issue.record("\(name) was accepted with groupProtocol consumer")
                continue
            }
            #expect(
                error.lines.contains {
                    $0.contains("$.kafka.properties[\"\(name)\"]")
                        && $0.contains("is not used with kafka.groupProtocol")
                }, "\(error.lines)")
        }
        #expect(ConfigurationReload(from: classic, to: consumer).refused == ["kafka.groupProtocol"])
    }

    @Test func anInstanceIdGivesStaticMembershipWithTheHostNameFilledIn() throws {
        let document = minimalConfiguration.setting(["kafka", "instanceId"], to: "{hostname}-relay")
        let configuration = try loadConfiguration(document, hostName: "kafka-side-3").get()
        #expect(configuration.kafka.instanceId == "kafka-side-3-relay")
        #expect(
            ConfigurationSummary.lines(configuration, source: "x").contains {
                $0.contains("static member kafka-side-3-relay")
            })
        let written = try loadConfiguration(minimalConfiguration.setting(["kafka", "instanceId"], to: "relay-b")).get()
        #expect(written.kafka.instanceId == "relay-b")
        let dynamic = try loadConfiguration(minimalConfiguration).get()
        #expect(dynamic.kafka.instanceId == nil)
        #expect(ConfigurationSummary.lines(dynamic, source: "x").contains { $0.contains("dynamic member") })
    }

    @Test func anInstanceIdThatCannotBeFormedIsRefusedWithItsReason() {
        let document = minimalConfiguration.setting(["kafka", "instanceId"], to: "{hostname}")
        for (hostName, fragment) in [
            (nil, "host name could not be read"), ("", "host name could not be read"),
            ("relay_host!", "whose '!' Kafka does not allow"),
            (String(repeating: "h", count: 250), "Kafka allows at most 249"),
        ] as [(String?, String)] {
            guard case .failure(let error) = loadConfiguration(document, hostName: hostName) else {
                Issue.record("host name \(hostName ?? "nil") was accepted")
                continue
            }
            #expect(
                error.lines.contains { $0.contains("$.kafka.instanceId") && $0.contains(fragment) },
                "host name \(hostName ?? "nil"): \(error.lines)")
        }
    }

    static let badValues: [BadValue] = [
        // Twilio's identifiers and limits
        BadValue(["twilio", "accountSid"], "AC123", "$.twilio.accountSid", "is not an Account SID"),
        BadValue(["twilio", "accountSid"], nil, "$.twilio.accountSid", "is required"),
        BadValue(["twilio", "serviceSid"], "ISxyz", "$.twilio.serviceSid", "is not a Sync Service SID"),
        BadValue(
            ["twilio", "apiKeySid"], "AB0123456789abcdef0123456789abcdef", "$.twilio.apiKeySid", "is not an API Key SID"
        ),
        BadValue(["twilio", "baseURL"], "http://sync.example.com", "$.twilio.baseURL", "only for loopback hosts"),
        BadValue(["twilio", "baseURL"], "ftp://sync.twilio.com", "$.twilio.baseURL", "http(s) URL"),
        BadValue(["twilio", "maxConcurrentRequests"], 0, "$.twilio.maxConcurrentRequests", "from 1 to 10000"),
        BadValue(["defaults", "ttl"], "366d", "$.defaults.ttl", "from 0s to 365d"),
        BadValue(["defaults", "ttl"], "1500ms", "$.defaults.ttl", "whole seconds"),
        BadValue(["defaults", "ttl"], 3600, "$.defaults.ttl", "duration"),
        BadValue(["defaults", "rate"], 31, "$.defaults.rate", "from 1 to 30"),
        BadValue(["defaults", "rate"], 0, "$.defaults.rate", "from 1 to 30"),
        BadValue(["defaults", "rate"], .number("2.5"), "$.defaults.rate", "must be an integer"),
        BadValue(["defaults", "maxMessageBytes"], 4097, "$.defaults.maxMessageBytes", "from 512 to 4096"),
        BadValue(["defaults", "maxMessageBytes"], 511, "$.defaults.maxMessageBytes", "from 512 to 4096"),
        BadValue(["defaults", "burst"], 30, "$.defaults.burst", "from 0 to 29"),
        BadValue(["defaults", "linger"], "5 seconds", "$.defaults.linger", "is not a duration"),
        BadValue(
            ["defaults", "oversize"], "truncate", "$.defaults.oversize", "is not one of 'split', 'drop', 'dead-letter'"),
        BadValue(["defaults", "oversize"], "dead-letter", "$.defaults.oversize", "no kafka.deadLetterTopic"),
        BadValue(["defaults", "overflow", "policy"], "drop", "$.defaults.overflow.policy", "is not one of"),
        BadValue(["defaults", "overflow", "maxBytes"], 1024, "$.defaults.overflow.maxBytes", "from 4096"),
        BadValue(
            ["defaults", "retry", "maxBackoff"], "100ms", "$.defaults.retry.maxBackoff",
            "shorter than retry.initialBackoff"),
        BadValue(["defaults", "format", "key"], "yes", "$.defaults.format.key", "must be a boolean"),
        // Stream name templates
        BadValue(["defaults", "stream"], "{topic", "$.defaults.stream", "without a closing '}'"),
        BadValue(["defaults", "stream"], "{name}", "$.defaults.stream", "unknown placeholder {name}"),
        BadValue(["defaults", "stream"], "{key}{partition}", "$.defaults.stream", "literal text between them"),
        BadValue(["defaults", "stream"], "t-{header:}", "$.defaults.stream", "needs a header name"),
        BadValue(["defaults", "stream"], "t-{value:id}", "$.defaults.stream", "must start with '/'"),
        BadValue(["defaults", "unroutable"], "fallback", "$.defaults.unroutable", "no fallbackStream is set"),
        BadValue(["defaults", "unroutable"], "dead-letter", "$.defaults.unroutable", "no kafka.deadLetterTopic"),
        BadValue(["defaults", "unroutable"], "guess", "$.defaults.unroutable", "dead-letter"),
        BadValue(
            ["defaults", "fallbackStream"], "x-{key}", "$.defaults.fallbackStream", "{topic} and {partition} only"),
        BadValue(["defaults", "idleAfter"], "0s", "$.defaults.idleAfter", "1s"),
        BadValue(["defaults", "maxActiveStreams"], 0, "$.defaults.maxActiveStreams", "1"),
        BadValue(["twilio", "maxCreatesPerSecond"], 0, "$.twilio.maxCreatesPerSecond", "1"),
        BadValue(["twilio", "knownStreams"], 10, "$.twilio.knownStreams", "1000"),
        BadValue(["defaults", "stream"], "", "$.defaults.stream", "must not be empty"),
        BadValue(
            ["defaults", "stream"], "TO0123456789abcdef0123456789abcdef", "$.defaults.stream", "looks like a SID"),
        BadValue(
            ["defaults", "stream"], .string(String(repeating: "x", count: 80) + "{topic}"), "$.defaults.stream",
            "above Twilio's limit of 320"),
        // Decoding, shaping, filters, the Schema Registry
        BadValue(["defaults", "value", "format"], "avro", "$.defaults.value.format", "needs a Schema Registry"),
        BadValue(["defaults", "key", "format"], "protobuf", "$.defaults.key.format", "needs a Schema Registry"),
        BadValue(["defaults", "value", "format"], "xml", "$.defaults.value.format", "is not one of"),
        BadValue(["defaults", "undecodable"], "dead-letter", "$.defaults.undecodable", "no kafka.deadLetterTopic"),
        BadValue(["defaults", "undecodable"], "skip", "$.defaults.undecodable", "is not one of"),
        BadValue(["defaults", "select"], ["id"], "$.defaults.select[0]", "must start with '/'"),
        BadValue(["defaults", "drop"], ["/a~2"], "$.defaults.drop[0]", "'~' not followed by 0 or 1"),
        BadValue(["defaults", "filter"], "key = \"a\"", "$.defaults.filter", "expected ==, !=, <"),
        BadValue(["defaults", "filter"], "colour == 1", "$.defaults.filter", "expected key, topic"),
        BadValue(["defaults", "filter"], "key ~ \"([\"", "$.defaults.filter", "does not compile"),
        BadValue(["defaults", "filter"], "key == \"a\" and", "$.defaults.filter", "expected key, topic"),
        BadValue(["defaults", "filter"], "(key exists", "$.defaults.filter", "expected ')'"),
        BadValue(["defaults", "filter"], "key in [1,", "$.defaults.filter", "expected a value"),
        BadValue(["defaults", "filter"], "value(\"id\") exists", "$.defaults.filter", "must start with '/'"),
        BadValue(["schemaRegistry"], .object([]), "$.schemaRegistry.url", "is required"),
        BadValue(
            ["schemaRegistry"], .object([JSONMember("url", "ftp://registry")]), "$.schemaRegistry.url",
            "an http(s) URL"),
        BadValue(
            ["schemaRegistry"], .object([JSONMember("url", "http://r:8081"), JSONMember("username", "u")]),
            "$.schemaRegistry.password", "is required with username"),
        BadValue(
            ["schemaRegistry"], .object([JSONMember("url", "http://r:8081"), JSONMember("password", "p")]),
            "$.schemaRegistry.username", "is required with password"),
        BadValue(
            ["schemaRegistry"],
            .object([
                JSONMember("url", "http://r:8081"), JSONMember("username", "u"), JSONMember("password", "p"),
                JSONMember("token", "t"),
            ]), "$.schemaRegistry.token", "cannot be used with basic auth"),
        BadValue(
            ["schemaRegistry"],
            .object([JSONMember("url", "http://r:8081"), JSONMember("caFile", "/nonexistent/ca.pem")]),
            "$.schemaRegistry.caFile", "cannot read '/nonexistent/ca.pem'"),
        BadValue(
            ["schemaRegistry"], .object([JSONMember("url", "http://r:8081"), JSONMember("cacheSize", 1)]),
            "$.schemaRegistry.cacheSize", "from 10"),
        // Kafka
        BadValue(["kafka", "brokers"], [], "$.kafka.brokers", "at least 1 entry"),
        BadValue(["kafka", "brokers"], ["localhost"], "$.kafka.brokers[0]", "is not a broker address"),
        BadValue(["kafka", "brokers"], ["localhost:99999"], "$.kafka.brokers[0]", "port above 65535"),
        BadValue(["kafka", "topics"], ["bad topic"], "$.kafka.topics[0]", "is not a topic name"),
        BadValue(["kafka", "topics"], ["^orders(["], "$.kafka.topics[0]", "does not compile"),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("enable.auto.commit", "true")]),
            "$.kafka.properties[\"enable.auto.commit\"]", "at-least-once"),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("auto.offset.reset", "latest")]),
            "$.kafka.properties[\"auto.offset.reset\"]", "set kafka.startFrom instead"),
        BadValue(["kafka", "startFrom"], "newest", "$.kafka.startFrom", "earliest, latest, an RFC 3339 time"),
        BadValue(["kafka", "startFrom"], "1h", "$.kafka.startFrom", "a duration back from now (-1h)"),
        BadValue(["kafka", "startFrom"], "-0s", "$.kafka.startFrom", "is not a date and time that exists"),
        BadValue(
            ["kafka", "startFrom"], "2026-02-30T10:00:00Z", "$.kafka.startFrom", "is not a date and time that exists"),
        BadValue(["kafka", "startFrom"], "2026-12-06 10:00:00Z", "$.kafka.startFrom", "an RFC 3339 time"),
        BadValue(["kafka", "startFrom"], "2026-12-06T10:00:00", "$.kafka.startFrom", "an RFC 3339 time"),
        BadValue(["kafka", "groupProtocol"], "next", "$.kafka.groupProtocol", "is not one of 'classic', 'consumer'"),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("group.protocol", "consumer")]),
            "$.kafka.properties[\"group.protocol\"]", "set kafka.groupProtocol instead"),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("group.remote.assignor", "uniform")]),
            "$.kafka.properties[\"group.remote.assignor\"]", "is used only with kafka.groupProtocol \"consumer\""),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("group.instance.id", "relay-1")]),
            "$.kafka.properties[\"group.instance.id\"]", "set kafka.instanceId instead"),
        BadValue(["kafka", "instanceId"], "relay 1", "$.kafka.instanceId", "is not letters, digits"),
        BadValue(["kafka", "instanceId"], "{host}", "$.kafka.instanceId", "the placeholder {hostname}"),
        BadValue(["kafka", "instanceId"], "", "$.kafka.instanceId", "must not be empty"),
        BadValue(["kafka", "instanceId"], "..", "$.kafka.instanceId", "are not valid instance ids"),
        BadValue(
            ["kafka", "instanceId"], .string(String(repeating: "r", count: 240) + "{hostname}"), "$.kafka.instanceId",
            "Kafka allows at most 249"),
        BadValue(
            ["kafka", "properties"], .object([JSONMember("fetch.max.bytes", 1024)]),
            "$.kafka.properties[\"fetch.max.bytes\"]", "must be a string"),
        BadValue(["kafka", "deadLetterTopic"], "orders", "$.kafka.deadLetterTopic", "is also consumed"),
        BadValue(["kafka", "commitInterval"], "0s", "$.kafka.commitInterval", "from 100ms to 5m"),
        // Service
        BadValue(["metrics", "listen"], "localhost", "$.metrics.listen", "is not host:port"),
        BadValue(["metrics", "listen"], "127.0.0.1:70000", "$.metrics.listen", "port above 65535"),
        BadValue(["log", "level"], "verbose", "$.log.level", "is not one of"),
        BadValue(["shutdown", "drainDeadline"], "0s", "$.shutdown.drainDeadline", "from 1s to 10m"),
        // Structure
        BadValue(["twilio"], "AC...", "$.twilio", "must be an object"),
        BadValue(["routes"], .object([]), "$.routes", "must be an array"),
    ]

    @Test(arguments: badValues)
    func rejectsBadValueWithItsPath(_ bad: BadValue) {
        let found = problems(minimalConfiguration.setting(bad.pathSteps, to: bad.value))
        #expect(
            found.contains { $0.path.description == bad.path && $0.message.contains(bad.fragment) },
            "expected \(bad.path): …\(bad.fragment)…; got \(found)"
        )
    }

    @Test func rejectsUnknownKeysWithASuggestion() {
        let document = minimalConfiguration.setting(["defaults", "rat"], to: 10).setting(["kafka", "zzz"], to: 1)
        let found = problems(document)
        #expect(
            found.contains { $0.path.description == "$.defaults.rat" && $0.message.contains("did you mean 'rate'?") })
        #expect(
            found.contains {
                $0.path.description == "$.kafka.zzz" && $0.message.contains("the keys here are 'brokers'")
            })
    }

    @Test func rejectsDuplicateKeys() throws {
        let text = #"{"kafka": {"brokers": ["a:1"], "topics": ["t"], "topics": ["u"]}, "twilio": {}}"#
        let result = Result { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:]).load(bytes: Array(text.utf8), source: "t.json", directory: nil)
        }
        guard case .failure(.problems(_, let found)) = result else { Issue.record("accepted: \(result)"); return }
        #expect(found.contains { $0.path.description == "$.kafka.topics" && $0.message.contains("more than once") })
    }

    @Test func reportsEveryProblemAtOnce() {
        let document =
            minimalConfiguration
            .setting(["defaults", "rate"], to: 45)
            .setting(["twilio", "accountSid"], to: "nope")
            .setting(["routes"], to: [.object([JSONMember("topic", "orders"), JSONMember("maxMessageBytes", 5000)])])
            .setting(["log", "format"], to: "xml")
            .setting(["kafka", "brokers"], to: nil)
        let paths = Set(problems(document).map(\.path.description))
        #expect(
            paths == [
                "$.defaults.rate", "$.twilio.accountSid", "$.routes[0].maxMessageBytes", "$.log.format",
                "$.kafka.brokers",
            ])
    }

    @Test func credentialsMustBeExactlyOneForm() {
        let none = minimalConfiguration.setting(["twilio", "authToken"], to: nil)
        #expect(
            problems(none).contains { $0.path.description == "$.twilio" && $0.message.contains("needs credentials") })

        let both = minimalConfiguration.setting(["twilio", "apiKeySid"], to: "SK0123456789abcdef0123456789abcdef")
            .setting(["twilio", "apiKeySecret"], to: "s")
        #expect(problems(both).contains { $0.message.contains("more than one credential (authToken, apiKeySid)") })

        let keyWithoutSecret = none.setting(["twilio", "apiKeySid"], to: "SK0123456789abcdef0123456789abcdef")
        #expect(problems(keyWithoutSecret).contains { $0.path.description == "$.twilio.apiKeySecret" })

        let secretWithoutKey = none.setting(["twilio", "apiKeySecret"], to: "s")
        #expect(problems(secretWithoutKey).contains { $0.path.description == "$.twilio.apiKeySid" })
    }

    @Test func routesInheritDefaultsAndOverrideKeyByKey() throws {
        let document =
            minimalConfiguration
            .setting(["defaults", "overflow", "maxRecords"], to: 500)
            .setting(["defaults", "rate"], to: 20)
            .setting(
                ["routes"],
                to: [
                    .object([
                        JSONMember("topic", "orders"),
                        JSONMember("overflow", .object([JSONMember("policy", "drop-oldest")])),
                    ]),
                    .object([JSONMember("topic", "^metrics\\..+"), JSONMember("stream", "m-{topic}-{partition}")]),
                ])
        let configuration = try loadConfiguration(document).get()
        let orders = configuration.settings(forTopic: "orders")
        #expect(orders.overflow.policy == .dropOldest)
        #expect(orders.overflow.maxRecords == 500)
        #expect(orders.rate == 20)
        let metrics = configuration.settings(forTopic: "metrics.cpu")
        #expect(metrics.stream.render(topic: "metrics.cpu", partition: 3) == "m-metrics.cpu-3")
        #expect(configuration.settings(forTopic: "other") == configuration.defaults)
    }

    @Test func routeProblemsPointAtTheRoute() {
        let document = minimalConfiguration.setting(
            ["routes"],
            to: [
                .object([JSONMember("topic", "payments")]),
                .object([JSONMember("topic", "orders"), JSONMember("oversize", "dead-letter")]),
                .object([JSONMember("topic", "orders")]),
                .object([
                    JSONMember("topic", "^metrics\\..+"),
                    JSONMember("stream", .string(String(repeating: "m", count: 100) + "{topic}")),
                ]),
            ])
        let found = problems(document).map(\.description)
        #expect(found.contains { $0.hasPrefix("$.routes[0].topic: topic 'payments' is not consumed") })
        #expect(found.contains { $0.hasPrefix("$.routes[1].oversize: is dead-letter but no kafka.deadLetterTopic") })
        #expect(found.contains { $0.hasPrefix("$.routes[2].topic: another route already matches 'orders'") })
        #expect(found.contains { $0.hasPrefix("$.routes[3].stream: can render names up to 349 characters") })
    }

    @Test func knownTopicsAreCheckedExactly() throws {
        // 80 characters + "orders" fits in 320 for the known topic, even though {topic} alone could reach 249.
        let document =
            minimalConfiguration
            .setting(["kafka", "topics"], to: ["orders"])
            .setting(["defaults", "stream"], to: .string(String(repeating: "x", count: 80) + "{topic}"))
        _ = try loadConfiguration(document).get()
        let sidLike = minimalConfiguration.setting(["kafka", "topics"], to: ["TO0123456789abcdef0123456789abcdef"])
        #expect(
            problems(sidLike).contains {
                $0.path.description == "$.defaults.stream" && $0.message.contains("looks like a SID")
            })
    }

    @Test func malformedDocumentsGetTheirOwnErrors() {
        func load(_ text: String) -> ConfigurationError? {
            do {
                _ = try ConfigurationLoader(environment: [:]).load(
                    bytes: Array(text.utf8), source: "c.json", directory: nil)
                return nil
            } catch { return error }
        }
        #expect(load("") == .empty(path: "c.json"))
        #expect(load(" \n\t ") == .empty(path: "c.json"))
        #expect(load("[1, 2]") == .notAnObject(path: "c.json", found: "array"))
        guard case .syntax(_, let error) = load("{\n  \"kafka\": {\n    \"brokers\": [\"a:1\",]\n  }\n}") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(error.line == 3 && error.column == 23)
        #expect(load("{\"a\": 1}")?.lines.first?.hasPrefix("c.json: $.a: unknown key") == true)
    }
}
