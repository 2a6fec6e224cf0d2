import Foundation
import RelayCore

/// Records produced by Confluent's official Python serializers (`Tests/Fixtures/registry_serialize.py`, in the venv
/// `scripts/install-deps.sh` makes): the real wire format, registered with the registry at a given URL.
public enum OfficialSerializers {
    /// One serialized value and the JSON the relay must turn it into.
    public struct Case: Sendable {
        public var name: String
        public var topic: String
        public var bytes: [UInt8]
        public var expected: JSONValue
    }

    /// The repository's root (from this file's path).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's Python (`REGISTRY_PYTHON` overrides it).
    public static var python: String {
        ProcessInfo.processInfo.environment["REGISTRY_PYTHON"]
            ?? repositoryRoot.appendingPathComponent(".build/registry-venv/bin/python").path
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs a script of the repository with the venv's Python on a thread of its own; its output's JSON lines.
    static func run(_ arguments: [String]) async throws -> [JSONValue] {
        let result: Result<[JSONValue], any Error> = await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: Result { try runBlocking(arguments) })
            }.start()
        }
        return try result.get()
    }

    private static func runBlocking(_ arguments: [String]) throws -> [JSONValue] {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Unavailable(
                description: "no \(python): run scripts/install-deps.sh (it makes the venv: confluent-kafka, twilio)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repositoryRoot.appendingPathComponent(arguments[0]).path] + arguments.dropFirst()
        let output = Pipe()
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("serializers-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Unavailable(description: "\(arguments[0]) failed (\(process.terminationStatus)): \(text)")
        }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    /// Registers and serializes the cases of `which` (all, avro, json, protobuf) against the registry at `url`.
    public static func produce(registryURL url: String, which: String = "all") async throws -> [Case] {
        try await run(["Tests/Fixtures/registry_serialize.py", url, which]).map { json in
            guard case .string(let name)? = json["case"], case .string(let topic)? = json["topic"],
                case .string(let hex)? = json["hex"], let expected = json["expected"]
            else { throw Unavailable(description: "a line of registry_serialize.py is malformed: \(json.text())") }
            return Case(name: name, topic: topic, bytes: Self.bytes(hex: hex), expected: expected)
        }
    }

    /// One random Avro schema, a value fastavro wrote with it, and the JSON the relay must render.
    public struct RandomAvro: Sendable {
        public var schema: String
        public var bytes: [UInt8]
        public var expected: JSONValue
    }

    /// `count` random schemas and values from `Tests/Fixtures/avro_random.py` (fastavro, the encoder Confluent's
    /// AvroSerializer uses), from `seed`.
    public static func randomAvro(seed: Int, count: Int) async throws -> [RandomAvro] {
        try await run(["Tests/Fixtures/avro_random.py", String(seed), String(count)]).map { json in
            guard case .string(let schema)? = json["schema"], case .string(let hex)? = json["hex"],
                let expected = json["expected"]
            else { throw Unavailable(description: "a line of avro_random.py is malformed") }
            return RandomAvro(schema: schema, bytes: bytes(hex: hex), expected: expected)
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// Whether two JSON documents are equal, numbers compared by value (`-2.0` and `-2.00`, not `1` and `1.5`).
    public static func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x == y || (Double(x) != nil && Double(x) == Double(y))
        case (.array(let xs), .array(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { sameJSON($0, $1) }
        case (.object(let xs), .object(let ys)):
            return xs.count == ys.count
                && zip(xs, ys).allSatisfy { $0.key == $1.key && sameJSON($0.value, $1.value) }
        default:
            return a == b
        }
    }
}
