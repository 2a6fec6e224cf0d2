import Foundation
import RelayCore
import Testing

/// `kafka.properties`' security part: each auth form's required keys, the files it names, and what `check` says.
@Suite("Kafka security properties")
struct KafkaSecurityTests {
    func withProperties(_ properties: [String: String]) -> JSONValue {
        minimalConfiguration.setting(
            ["kafka", "properties"],
            to: .object(properties.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }))
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let properties: [String: String]
        let property: String
        let fragment: String
        var testDescription: String { "\(property): \(fragment)" }
    }

    static let bad: [Bad] = [
        Bad(properties: ["security.protocol": "tls"], property: "security.protocol", fragment: "is not one of"),
        Bad(
            properties: ["security.protocol": "sasl_ssl", "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "u"],
            property: "sasl.mechanisms", fragment: "SASL SCRAM-SHA-512 needs sasl.password"),
        Bad(
            properties: ["security.protocol": "sasl_ssl", "sasl.mechanism": "PLAIN"],
            property: "sasl.mechanism", fragment: "needs sasl.username and sasl.password"),
        Bad(
            properties: [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN", "sasl.mechanism": "PLAIN",
                "sasl.username": "u", "sasl.password": "p",
            ], property: "sasl.mechanism", fragment: "the same property; set one"),
        Bad(
            properties: [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "scram-sha-256", "sasl.username": "u",
                "sasl.password": "p",
            ], property: "sasl.mechanisms", fragment: "write it exactly 'SCRAM-SHA-256'"),
        Bad(
            properties: ["security.protocol": "sasl_ssl", "sasl.username": "u", "sasl.password": "p"],
            property: "sasl.mechanisms", fragment: "librdkafka uses GSSAPI (Kerberos) and ignores sasl.username"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.keystore.location": "/etc/hostname"],
            property: "ssl.keystore.location", fragment: "needs ssl.keystore.password too"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.ca.location": "PROBE"], property: "ssl.ca.location",
            fragment: "PROBE': no such file"),
        Bad(
            properties: ["security.protocol": "sasl_ssl", "sasl.mechanisms": "SCRAM-SHA-1"],
            property: "sasl.mechanisms", fragment: "is not one of GSSAPI, PLAIN"),
        Bad(
            properties: [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER", "sasl.oauthbearer.method": "oidc",
                "sasl.oauthbearer.client.id": "relay",
            ], property: "sasl.mechanisms",
            fragment: "OIDC needs sasl.oauthbearer.client.secret and sasl.oauthbearer.token.endpoint.url"),
        Bad(
            properties: [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER", "sasl.oauthbearer.method": "oidc",
                "sasl.oauthbearer.client.id": "relay", "sasl.oauthbearer.client.secret": "s",
                "sasl.oauthbearer.token.endpoint.url": "login.example.com/token",
            ], property: "sasl.oauthbearer.token.endpoint.url", fragment: "is not an http(s) URL"),
        Bad(
            properties: ["security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER"],
            property: "sasl.mechanisms", fragment: "needs sasl.oauthbearer.method=oidc"),
        Bad(
            properties: [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER", "sasl.oauthbearer.method": "jwt",
            ],
            property: "sasl.oauthbearer.method", fragment: "is not one of default, oidc"),
        Bad(
            properties: ["sasl.username": "u", "sasl.password": "p"], property: "sasl.password",
            fragment: "security.protocol is plaintext, which does not use SASL"),
        Bad(
            properties: ["ssl.ca.location": "/etc/ssl/certs"], property: "ssl.ca.location",
            fragment: "which does not use TLS: set security.protocol to ssl"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.certificate.location": "/etc/hostname"],
            property: "ssl.certificate.location", fragment: "needs its private key too"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.key.pem": "-----BEGIN PRIVATE KEY-----"],
            property: "ssl.key.pem", fragment: "needs its client certificate too"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.key.password": "p"], property: "ssl.key.password",
            fragment: "there is no private key"),
        Bad(
            properties: ["security.protocol": "ssl", "ssl.ca.location": "/nonexistent/ca.pem"],
            property: "ssl.ca.location", fragment: "cannot read '/nonexistent/ca.pem': no such file"),
        Bad(
            properties: [
                "security.protocol": "ssl", "ssl.certificate.location": "/tmp", "ssl.key.location": "/etc/hostname",
            ], property: "ssl.certificate.location", fragment: "cannot read '/tmp': it is a directory"),
        Bad(
            properties: ["security.protocol": "sasl_plaintext", "sasl.kerberos.keytab": "/nonexistent/relay.keytab"],
            property: "sasl.kerberos.keytab", fragment: "no such file"),
    ]

    @Test(arguments: bad)
    func refusesWithTheProperty(_ bad: Bad) {
        let found = problems(withProperties(bad.properties))
        let path = "$.kafka.properties[\"\(bad.property)\"]"
        #expect(
            found.contains { $0.path.description == path && $0.message.contains(bad.fragment) },
            "expected \(path): …\(bad.fragment)…; got \(found)")
    }

    @Test func eachFormIsAcceptedAndSummarisedWithoutItsSecrets() throws {
        let secrets = try temporaryDirectory()
        for file in ["kafka-ca.pem", "kafka-client.pem", "kafka-client.key"] {
            try "test material\n".write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let forms: [([String: String], String)] = [
            ([:], "security PLAINTEXT"),
            (["security.protocol": "SSL", "ssl.ca.location": "probe"], "security SSL"),
            (
                [
                    "security.protocol": "sasl_ssl", "sasl.mechanisms": "SCRAM-SHA-256", "sasl.username": "relay",
                    "sasl.password": "scram-secret-1",
                ], "security SASL_SSL, SASL SCRAM-SHA-256"
            ),
            (
                [
                    "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER",
                    "sasl.oauthbearer.method": "oidc",
                    "sasl.oauthbearer.client.id": "relay", "sasl.oauthbearer.client.secret": "oidc-secret-1",
                    "sasl.oauthbearer.token.endpoint.url": "https://login.example.com/token",
                ], "security SASL_SSL, SASL OAUTHBEARER"
            ),
            (
                [
                    "security.protocol": "ssl", "ssl.ca.location": "kafka-ca.pem",
                    "ssl.certificate.location": "kafka-client.pem", "ssl.key.location": "kafka-client.key",
                    "ssl.key.password": "key-secret-1",
                ], "security SSL, client certificate"
            ),
            (
                ["security.protocol": "sasl_plaintext", "sasl.mechanisms": "GSSAPI"],
                "security SASL_PLAINTEXT, SASL GSSAPI"
            ),
            (
                [
                    "security.protocol": "ssl", "ssl.keystore.location": "kafka-client.pem",
                    "ssl.keystore.password": "key-secret-1", "ssl.ca.location": secrets.path,
                ], "security SSL, client certificate"
            ),
            (
                [
                    "security.protocol": "sasl_plaintext", "sasl.mechanisms": "GSSAPI",
                    "sasl.kerberos.keytab": "kafka-client.key",
                ], "security SASL_PLAINTEXT, SASL GSSAPI"
            ),
            // Unused but empty (a shared template's `${VAR:-}`): not a mistake.
            (["sasl.password": "", "ssl.key.password": ""], "security PLAINTEXT"),
        ]
        for (properties, summary) in forms {
            let configuration = try loadConfiguration(
                withProperties(properties), environment: ["CREDENTIALS_DIRECTORY": secrets.path]
            ).get()
            let lines = ConfigurationSummary.lines(configuration, source: "x").joined(separator: "\n")
            #expect(lines.contains(summary), "\(properties): \(lines)")
            for secret in ["scram-secret-1", "oidc-secret-1", "key-secret-1"] { #expect(!lines.contains(secret)) }
        }
    }

    /// Files named relatively are where systemd puts credentials (`LoadCredential=`), and librdkafka gets their
    /// full path; absolute ones are kept.
    @Test func relativeFilesAreResolvedInTheCredentialsDirectory() throws {
        let secrets = try temporaryDirectory()
        for file in ["kafka-client.pem", "kafka-client.key"] {
            try "test material\n".write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let configuration = try loadConfiguration(
            withProperties([
                "security.protocol": "ssl", "ssl.certificate.location": "kafka-client.pem",
                "ssl.key.location": "kafka-client.key", "ssl.ca.location": "/etc/hostname",
            ]), environment: ["CREDENTIALS_DIRECTORY": secrets.path]
        ).get()
        let properties = Dictionary(
            uniqueKeysWithValues: configuration.kafka.properties.all.map { ($0.name, $0.value) })
        #expect(properties["ssl.certificate.location"] == secrets.appendingPathComponent("kafka-client.pem").path)
        #expect(properties["ssl.key.location"] == secrets.appendingPathComponent("kafka-client.key").path)
        #expect(properties["ssl.ca.location"] == "/etc/hostname")

        // Without $CREDENTIALS_DIRECTORY (not under systemd): the configuration file's folder.
        let beside = try loadConfiguration(
            withProperties([
                "security.protocol": "sasl_plaintext", "sasl.mechanisms": "GSSAPI",
                "sasl.kerberos.keytab": "kafka-client.key",
            ]), directory: secrets.path
        ).get()
        #expect(
            beside.kafka.properties.all.first { $0.name == "sasl.kerberos.keytab" }?.value
                == secrets.appendingPathComponent("kafka-client.key").path)
    }

    /// A file the service user cannot read is refused by `check`, which the unit runs as that user. (Root reads
    /// everything, so this runs only where the tests are not root.)
    @Test(.enabled(if: getuid() != 0)) func aFileThisUserCannotReadIsRefused() throws {
        let secrets = try temporaryDirectory()
        let key = secrets.appendingPathComponent("kafka-client.key")
        try "test material\n".write(to: key, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: key.path)
        let found = problems(
            withProperties([
                "security.protocol": "ssl", "ssl.certificate.location": "/etc/hostname", "ssl.key.location": key.path,
            ]))
        #expect(found.contains { $0.message.contains("permission denied for this user") })
    }
}
