import Foundation
import RelayCore
import Testing

@Suite("Configuration files")
struct ConfigurationFilesTests {
    let environment = [
        "TWILIO_AUTH_TOKEN": "example-token", "TWILIO_API_SECRET": "example-secret", "KAFKA_SASL_PASSWORD": "pw",
        "SCHEMA_REGISTRY_PASSWORD": "registry-secret",
    ]

    @Test func exampleConfigurationIsValid() throws {
        let path = repositoryRoot.appendingPathComponent("config.example.json").path
        let configuration = try ConfigurationLoader(environment: environment, hostName: "relay-host-1").load(path: path)
        #expect(configuration.twilio.auth == .authToken(SecretText("example-token")))
        #expect(configuration.routes.count == 3)
        #expect(configuration.kafka.instanceId == "relay-host-1-relay")
        #expect(configuration.settings(forTopic: "metrics.cpu").rate == 10)
    }

    @Test func otherCredentialExamplesAreValid() throws {
        let secrets = try temporaryDirectory()
        try "token-from-file\n".write(
            to: secrets.appendingPathComponent("twilio-auth-token"), atomically: true, encoding: .utf8)
        try "api-secret-from-file".write(
            to: secrets.appendingPathComponent("twilio-api-secret"), atomically: true, encoding: .utf8)
        var environment = environment
        environment["CREDENTIALS_DIRECTORY"] = secrets.path
        let loader = ConfigurationLoader(environment: environment, hostName: "relay-host-1")
        let examples = repositoryRoot.appendingPathComponent("docs/examples")
        #expect(
            try loader.load(path: examples.appendingPathComponent("api-key.json").path).twilio.auth
                == .apiKey(sid: "SK0123456789abcdef0123456789abcdef", secret: SecretText("example-secret")))
        let systemd = try loader.load(path: examples.appendingPathComponent("systemd-credentials.json").path)
        #expect(systemd.twilio.auth == .authToken(SecretText("token-from-file")))
        #expect(systemd.kafka.instanceId == "relay-host-1", "one relay per host: static membership by host name")
        #expect(
            try loader.load(path: examples.appendingPathComponent("api-key-file.json").path).twilio.auth
                == .apiKey(sid: "SK0123456789abcdef0123456789abcdef", secret: SecretText("api-secret-from-file")))
    }

    /// The Schema Registry examples read their password, token and CA bundle from the credentials directory.
    @Test func schemaRegistryExamplesAreValid() throws {
        let secrets = try temporaryDirectory()
        for (file, text) in [
            ("twilio-auth-token", "t"), ("schema-registry-password", "pw-from-file\n"),
            ("schema-registry-token", "token-from-file"), ("schema-registry-ca.pem", "-----BEGIN CERTIFICATE-----"),
        ] {
            try text.write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let loader = ConfigurationLoader(environment: ["CREDENTIALS_DIRECTORY": secrets.path])
        let examples = repositoryRoot.appendingPathComponent("docs/examples")
        let files = try #require(
            try loader.load(path: examples.appendingPathComponent("schema-registry-files.json").path).schemaRegistry)
        #expect(files.username == "sync-relay")
        #expect(files.password == SecretText("pw-from-file"))
        #expect(files.caFile == secrets.appendingPathComponent("schema-registry-ca.pem").path)
        #expect(files.timeout == .seconds(10) && files.cacheSize == 1000 && files.unreadyAfter == .seconds(30))
        let token = try #require(
            try loader.load(path: examples.appendingPathComponent("schema-registry-token.json").path).schemaRegistry)
        #expect(token.token == SecretText("token-from-file"))
        #expect(token.username == nil)
        let bearer = try ConfigurationLoader(
            environment: ["CREDENTIALS_DIRECTORY": secrets.path, "SCHEMA_REGISTRY_TOKEN": "env-token"]
        ).load(path: examples.appendingPathComponent("schema-registry-bearer.json").path)
        #expect(bearer.schemaRegistry?.token == SecretText("env-token"))
        let example = try ConfigurationLoader(environment: environment, hostName: "h").load(
            path: repositoryRoot.appendingPathComponent("config.example.json").path)
        #expect(example.schemaRegistry?.password == SecretText("registry-secret"))
        let orders = example.settings(forTopic: "orders")
        #expect(orders.valueFormat == .avro)
        #expect(orders.shape.select.map(\.text) == ["/id", "/status", "/total", "/customer/city"])
        #expect(orders.filter?.description == #"value("/status") in ["open", "paid"] and value("/total") >= 10"#)
    }

    /// The Kafka authentication examples (docs/configuration.md, "Kafka authentication") load with their secrets
    /// from the environment and their files from the credentials directory, and say how they authenticate.
    @Test func kafkaAuthenticationExamplesAreValid() throws {
        let secrets = try temporaryDirectory()
        for file in ["twilio-auth-token", "kafka-ca.pem", "kafka-client.pem", "kafka-client.key"] {
            try "material\n".write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        var environment = kafkaExampleEnvironment
        environment["CREDENTIALS_DIRECTORY"] = secrets.path
        let loader = ConfigurationLoader(environment: environment, hostName: "relay-host-1")
        for (file, security) in Self.kafkaExamples {
            let path = repositoryRoot.appendingPathComponent("docs/examples/\(file)").path
            let configuration = try loader.load(path: path)
            #expect(configuration.kafka.security.summary == security, "\(file)")
        }
    }

    static let kafkaExamples = [
        ("kafka-sasl-scram.json", "SASL_SSL, SASL SCRAM-SHA-512"), ("kafka-sasl-plain.json", "SASL_SSL, SASL PLAIN"),
        ("kafka-oidc.json", "SASL_SSL, SASL OAUTHBEARER"), ("kafka-mtls.json", "SSL, client certificate"),
    ]

    /// Every key of the catalogue appears in config.example.json or, for the other credential forms, an example.
    @Test func examplesShowEveryKey() throws {
        var shown = Set<String>()
        func collect(_ value: JSONValue, _ prefix: String) {
            guard let members = value.members else { return }
            for member in members {
                shown.insert("\(prefix).\(member.key)")
                collect(member.value, "\(prefix).\(member.key)")
            }
        }
        let files = [
            "config.example.json", "docs/examples/api-key.json", "docs/examples/systemd-credentials.json",
            "docs/examples/api-key-file.json", "docs/examples/schema-registry-files.json",
            "docs/examples/schema-registry-token.json", "docs/examples/schema-registry-bearer.json",
        ]
        for file in files {
            collect(try JSONParser.parse(Array(try Data(contentsOf: repositoryRoot.appendingPathComponent(file)))), "")
        }
        var missing: [String] = []
        func check(_ schema: ConfigObjectSchema, _ prefix: String) {
            for field in schema.fields {
                let key = "\(prefix).\(field.key)"
                if !shown.contains(key) { missing.append(key) }
                if case .object(let nested) = field.kind { check(nested, key) }
            }
        }
        check(RelayConfigurationSchema.root, "")
        #expect(missing.isEmpty, "keys not shown in any example: \(missing)")
    }

    @Test func relativeSecretFilesResolveBesideTheConfigurationWithoutCredentialsDirectory() throws {
        let folder = try temporaryDirectory()
        try "beside".write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let document = minimalConfiguration.setting(["twilio", "authToken"], to: nil).setting(
            ["twilio", "authTokenFile"], to: "token")
        try document.text().write(to: folder.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(environment: [:]).load(
            path: folder.appendingPathComponent("config.json").path)
        #expect(configuration.twilio.auth == .authToken(SecretText("beside")))
    }

    @Test func secretFileProblemsAreReported() throws {
        let folder = try temporaryDirectory()
        try "\n".write(to: folder.appendingPathComponent("empty"), atomically: true, encoding: .utf8)
        let missing = minimalConfiguration.setting(["twilio", "authToken"], to: nil).setting(
            ["twilio", "authTokenFile"], to: "/nonexistent/token")
        #expect(
            problems(missing).contains {
                $0.path.description == "$.twilio.authTokenFile" && $0.message.contains("no such file")
            })
        let empty = minimalConfiguration.setting(["twilio", "authToken"], to: nil)
            .setting(["twilio", "authTokenFile"], to: .string(folder.appendingPathComponent("empty").path))
        #expect(
            problems(empty).contains {
                $0.path.description == "$.twilio.authTokenFile" && $0.message.contains("is empty")
            })
    }

    @Test func fileErrorsHaveTheirOwnMessages() throws {
        let folder = try temporaryDirectory()
        let loader = ConfigurationLoader(environment: [:])
        func error(_ path: String) -> ConfigurationError? {
            do { _ = try loader.load(path: path); return nil } catch { return error }
        }
        #expect(
            error(folder.appendingPathComponent("absent.json").path)
                == .fileMissing(path: folder.appendingPathComponent("absent.json").path))
        #expect(error(folder.path) == .isDirectory(path: folder.path))
        let empty = folder.appendingPathComponent("empty.json")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        #expect(error(empty.path) == .empty(path: empty.path))
        let broken = folder.appendingPathComponent("broken.json")
        try "{\n  \"kafka\": \n}".write(to: broken, atomically: true, encoding: .utf8)
        #expect(error(broken.path)?.lines == ["\(broken.path):3:1: invalid JSON: unexpected '}'; a value was expected"])
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file"))
    func unreadableFileIsReported() throws {
        let file = try temporaryDirectory().appendingPathComponent("locked.json")
        try "{}".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file.path)
        #expect(throws: ConfigurationError.unreadable(path: file.path, reason: "permission denied")) {
            try ConfigurationLoader(environment: [:]).load(path: file.path)
        }
    }
}

/// The secrets the Kafka authentication examples take from the environment.
let kafkaExampleEnvironment = [
    "KAFKA_SASL_PASSWORD": "scram-password", "KAFKA_API_KEY": "api-key", "KAFKA_API_SECRET": "api-secret",
    "KAFKA_OIDC_CLIENT_SECRET": "oidc-secret",
]
