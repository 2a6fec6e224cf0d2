import Foundation
import RelayCore
import Testing

@Suite("JSON Schema and reference stay in sync with the decoder")
struct ConfigurationSchemaTests {
    @Test func committedSchemaIsTheGeneratedOne() throws {
        let committed = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/config.schema.json"), encoding: .utf8)
        let generated = ConfigurationJSONSchema.document().text(indent: 2) + "\n"
        #expect(committed == generated, "docs/config.schema.json is stale: run scripts/generate-config-docs.sh")
    }

    @Test func committedReferenceIsTheGeneratedOne() throws {
        let doc = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let expected =
            ConfigurationReference.beginMarker + "\n" + ConfigurationReference.markdown()
            + ConfigurationReference.endMarker
        #expect(
            doc.contains(expected), "docs/configuration.md's reference is stale: run scripts/generate-config-docs.sh")
    }

    /// Documents the decoder rejects and a JSON Schema validator must reject too (rules the schema can express).
    static let rejected: [(String, JSONValue)] = [
        ("unknown top-level key", minimalConfiguration.setting(["extra"], to: 1)),
        ("unknown nested key", minimalConfiguration.setting(["defaults", "overflow", "policyy"], to: "block")),
        ("rate above 30", minimalConfiguration.setting(["defaults", "rate"], to: 31)),
        ("budget above 4096", minimalConfiguration.setting(["defaults", "maxMessageBytes"], to: 5000)),
        ("bad account SID", minimalConfiguration.setting(["twilio", "accountSid"], to: "AC12")),
        (
            "bad service SID",
            minimalConfiguration.setting(["twilio", "serviceSid"], to: "XX0123456789abcdef0123456789abcdef")
        ),
        ("missing brokers", minimalConfiguration.setting(["kafka", "brokers"], to: nil)),
        ("empty topics", minimalConfiguration.setting(["kafka", "topics"], to: [])),
        ("bad duration", minimalConfiguration.setting(["defaults", "linger"], to: "1 minute")),
        ("duration as number", minimalConfiguration.setting(["defaults", "ttl"], to: 60)),
        ("bad policy", minimalConfiguration.setting(["defaults", "overflow", "policy"], to: "drop")),
        ("bad oversize", minimalConfiguration.setting(["defaults", "oversize"], to: "truncate")),
        (
            "non-string property",
            minimalConfiguration.setting(["kafka", "properties"], to: .object([JSONMember("a", 1)]))
        ),
        ("route without topic", minimalConfiguration.setting(["routes"], to: [.object([JSONMember("rate", 5)])])),
        (
            "route with unknown key",
            minimalConfiguration.setting(
                ["routes"], to: [.object([JSONMember("topic", "orders"), JSONMember("rte", 5)])])
        ),
        ("bad listen address", minimalConfiguration.setting(["metrics", "listen"], to: "everywhere")),
        ("bad log level", minimalConfiguration.setting(["log", "level"], to: "loud")),
        ("wrong type", minimalConfiguration.setting(["metrics", "enabled"], to: "yes")),
    ]

    @Test(.timeLimit(.minutes(1))) func schemaAndDecoderAgree() async throws {
        let accepted: [(String, JSONValue)] = [
            ("minimal", minimalConfiguration),
            (
                "example",
                try JSONParser.parse(
                    Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("config.example.json"))))
            ),
            (
                "substitution in a patterned key",
                minimalConfiguration.setting(["twilio", "accountSid"], to: "${TWILIO_ACCOUNT_SID}")
            ),
        ]
        let environment = [
            "TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "ACa1b2c3d4e5f60718293a4b5c6d7e8f90",
            "KAFKA_SASL_PASSWORD": "pw", "SCHEMA_REGISTRY_PASSWORD": "pw",
        ]
        for (name, document) in accepted {
            if case .failure(let error) = loadConfiguration(document, environment: environment) {
                Issue.record("decoder rejected \(name): \(error)")
            }
        }
        for (name, document) in Self.rejected {
            if case .success = loadConfiguration(document) { Issue.record("decoder accepted \(name)") }
        }
        let verdicts = try await JSONSchemaValidator.validate(
            schema: repositoryRoot.appendingPathComponent("docs/config.schema.json"),
            documents: accepted.map(\.1) + Self.rejected.map(\.1)
        )
        for (index, (name, _)) in accepted.enumerated() {
            #expect(verdicts[index] == nil, "schema rejected \(name): \(verdicts[index] ?? "")")
        }
        for (index, (name, _)) in Self.rejected.enumerated() {
            #expect(verdicts[accepted.count + index] != nil, "schema accepted \(name)")
        }
    }
}

/// Runs a real JSON Schema validator (Python's `jsonschema`, installed by scripts/install-deps.sh) over documents.
enum JSONSchemaValidator {
    /// For each document, nil when valid, else the validator's first message.
    static func validate(schema: URL, documents: [JSONValue]) async throws -> [String?] {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            out = []
            for document in json.load(sys.stdin):
                errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
                out.append(errors[0].message if errors else None)
            print(json.dumps(out))
            """
        let interpreter = try await findInterpreter()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = ["-c", script, schema.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let exited = exitSignal(process)
        try process.run()
        input.fileHandleForWriting.write(Data(JSONValue.array(documents).text().utf8))
        try input.fileHandleForWriting.close()
        // Read on a thread of its own: the read blocks until python is done.
        let data = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            Thread { continuation.resume(returning: output.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
        await exited()
        guard process.terminationStatus == 0, case .array(let verdicts) = try JSONParser.parse(Array(data)) else {
            throw ValidatorError(reason: "the validator failed with status \(process.terminationStatus)")
        }
        return verdicts.map { if case .string(let message) = $0 { message } else { nil } }
    }

    /// The first Python that has `jsonschema`.
    static func findInterpreter() async throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let candidates = path.split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: candidate)
            probe.arguments = ["-c", "import jsonschema"]
            probe.standardError = FileHandle.nullDevice
            let exited = exitSignal(probe)
            try probe.run()
            await exited()
            if probe.terminationStatus == 0 { return candidate }
        }
        throw ValidatorError(reason: "no python3 with the jsonschema module; run scripts/install-deps.sh")
    }

    /// Returns a function that waits, without blocking a thread, until `process` (not yet started) exits.
    /// (`waitUntilExit` would block a thread that Swift's cooperative pool shares with Dispatch on Linux.)
    static func exitSignal(_ process: Process) -> @Sendable () async -> Void {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in continuation.finish() }
        return { for await _ in stream {} }
    }

    struct ValidatorError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
