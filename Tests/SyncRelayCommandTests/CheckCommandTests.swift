import Foundation
import RelayCore
import RelayKafka
import Testing

@Suite("sync-relay check", .timeLimit(.minutes(1)))
struct CheckCommandTests {
    static let token = "cli-token-9d8e7f-SECRET"

    @Test func acceptsTheExampleAndPrintsASummary() async throws {
        let output = try await CommandRunner.run(
            ["check", "--config", "config.example.json"],
            environment: [
                "TWILIO_AUTH_TOKEN": Self.token, "KAFKA_SASL_PASSWORD": "pw-SECRET-42",
                "SCHEMA_REGISTRY_PASSWORD": "registry-SECRET-7",
            ])
        #expect(output.status == 0, "\(output.all)")
        #expect(!output.all.contains("registry-SECRET-7"))
        #expect(output.standardOutput.contains("config.example.json: configuration is valid"))
        #expect(output.standardOutput.contains("auth token ********"))
        #expect(output.standardOutput.contains("sasl.password=********"))
        #expect(output.standardOutput.contains("a partition with no committed offset starts from earliest"))
        #expect(output.standardOutput.contains("kafka client: \(KafkaLibrary.summary)"))
        #expect(output.standardOutput.split(separator: "\n").count <= 24, "the summary should fit one screen")
        #expect(!output.all.contains(Self.token))
        #expect(!output.all.contains("pw-SECRET-42"))
    }

    /// librdkafka's own verdict on `kafka.properties` is part of the check: a property it does not know (or a
    /// feature this build lacks) fails `check`, not the service's start.
    @Test func aPropertyLibrdkafkaRefusesFailsTheCheck() async throws {
        let file = try Self.file("typo.json")
        try """
        {
          "kafka": { "brokers": ["localhost:9092"], "topics": ["orders"], "properties": { "fetch.max.bytez": "1048576" } },
          "twilio": { "accountSid": "ACa1b2c3d4e5f60718293a4b5c6d7e8f90", "authToken": "\(Self.token)",
                      "serviceSid": "IS0123456789abcdef0123456789abcdef" }
        }
        """.write(to: file, atomically: true, encoding: .utf8)
        let output = try await CommandRunner.run(["check", "--config", file.path])
        #expect(output.status == 78, "\(output.all)")
        #expect(output.standardError.contains("$.kafka.properties: librdkafka rejected property fetch.max.bytez"))
        #expect(!output.all.contains(Self.token))
    }

    /// A path `name` in a fresh folder of its own.
    static func file(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    @Test func reportsEveryProblemWithExit78() async throws {
        let file = try Self.file("bad.json")
        try """
        {
          "kafka": { "brokers": ["localhost:9092"], "topics": ["orders"], "properties": { "enable.auto.commit": "true" } },
          "twilio": { "accountSid": "AC1", "authToken": "\(Self.token)", "apiKeySid": "SK0123456789abcdef0123456789abcdef",
                      "apiKeySecret": "${API_SECRET}", "serviceSid": "IS0123456789abcdef0123456789abcdef" },
          "defaults": { "rate": 45, "maxMessageBytes": 8192, "strem": "x" }
        }
        """.write(to: file, atomically: true, encoding: .utf8)
        let output = try await CommandRunner.run(
            ["check", "--config", file.path], environment: ["API_SECRET": "api-SECRET-77"])
        #expect(output.status == 78)
        #expect(output.standardOutput.isEmpty)
        let expected = [
            "6 problems:",
            "$.kafka.properties[\"enable.auto.commit\"]: is set by the relay",
            "$.twilio.accountSid: 'AC1' is not an Account SID",
            "$.twilio: has more than one credential",
            "$.defaults.rate: 45 is out of range; use a whole number from 1 to 30",
            "$.defaults.maxMessageBytes: 8192 is out of range",
            "$.defaults.strem: unknown key; did you mean 'stream'?",
        ]
        for line in expected {
            #expect(output.standardError.contains(line), "missing \(line) in \(output.standardError)")
        }
        #expect(!output.all.contains(Self.token))
        #expect(!output.all.contains("api-SECRET-77"))
    }

    @Test(arguments: [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("empty", "the file is empty"),
        ("syntax", ":2:12: invalid JSON: unexpected ']'"),
        ("array", "must be a JSON object"),
    ])
    func reportsUnusableFiles(kind: String, message: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var path = folder.appendingPathComponent("config.json").path
        switch kind {
        case "directory": path = folder.path
        case "empty": try "".write(toFile: path, atomically: true, encoding: .utf8)
        case "syntax": try "{\n  \"kafka\": ]\n}".write(toFile: path, atomically: true, encoding: .utf8)
        case "array": try "[]".write(toFile: path, atomically: true, encoding: .utf8)
        default: break
        }
        let output = try await CommandRunner.run(["check", "--config", path])
        #expect(output.status == 78)
        #expect(output.standardError.contains(message), "\(output.standardError)")
        #expect(output.standardError.split(separator: "\n").count == 1, "one clear line, no stack trace")
    }

    @Test func printsTheCommittedSchema() async throws {
        let output = try await CommandRunner.run(["check", "--print-schema"])
        let committed = try String(
            contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("docs/config.schema.json"), encoding: .utf8)
        #expect(output.status == 0)
        #expect(output.standardOutput == committed)
    }

    @Test func requiresAConfigurationFile() async throws {
        let output = try await CommandRunner.run(["check"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("--config FILE"))
    }

    @Test func printsItsVersion() async throws {
        let output = try await CommandRunner.run(["--version"])
        #expect(output.status == 0)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == RelayVersion.current)
        // The Kafka client it was built with and what that build can do: the pinned librdkafka, with OIDC.
        #expect(lines.count == 2)
        #expect(lines.last == KafkaLibrary.summary)
        #expect(KafkaLibrary.version == (try Self.pinnedLibrdkafka()), "linked against another librdkafka than the pin")
        #expect(
            ["ssl", "sasl_scram", "sasl_oauthbearer", "oidc", "zstd", "lz4"].allSatisfy(
                KafkaLibrary.builtinFeatures.contains))
    }

    /// The librdkafka version scripts/build-librdkafka.sh pins (`version=2.14.2`).
    static func pinnedLibrdkafka() throws -> String {
        let script = try String(
            contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("scripts/build-librdkafka.sh"),
            encoding: .utf8)
        let line = script.split(separator: "\n").first { $0.hasPrefix("version=") }
        return line.map { String($0.dropFirst("version=".count)) } ?? "no pin in scripts/build-librdkafka.sh"
    }
}
