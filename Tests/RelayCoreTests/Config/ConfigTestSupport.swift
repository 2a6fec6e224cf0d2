import Foundation
import RelayCore
import Testing

/// The repository's root, found from this file's path (Tests/RelayCoreTests/Config/...).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A small valid configuration that tests change one value at a time.
let minimalConfiguration: JSONValue = .object([
    JSONMember(
        "kafka",
        .object([
            JSONMember("brokers", ["127.0.0.1:9092"]),
            JSONMember("topics", ["orders", "^metrics\\..+"]),
        ])),
    JSONMember(
        "twilio",
        .object([
            JSONMember("accountSid", "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"),
            JSONMember("authToken", "token-for-tests"),
            JSONMember("serviceSid", "IS0123456789abcdef0123456789abcdef"),
        ])),
])

extension JSONValue {
    /// `self` with the value at `path` (keys and array indices) replaced, or removed when `value` is nil.
    func setting(_ path: [PathStep], to value: JSONValue?) -> JSONValue {
        guard let step = path.first else { return value ?? .null }
        switch (self, step) {
        case (.object(var members), .key(let key)):
            if let index = members.firstIndex(where: { $0.key == key }) {
                if path.count == 1, value == nil {
                    members.remove(at: index)
                } else {
                    members[index].value = members[index].value.setting(Array(path.dropFirst()), to: value)
                }
            } else if let value {
                members.append(JSONMember(key, JSONValue.object([]).setting(Array(path.dropFirst()), to: value)))
            }
            return .object(members)
        case (.array(var elements), .index(let index)):
            elements[index] = elements[index].setting(Array(path.dropFirst()), to: value)
            return .array(elements)
        default:
            return path.count == 1 ? (value ?? .null) : JSONValue.object([]).setting(path, to: value)
        }
    }
}

/// One step of a path into a JSON document, for `setting`.
enum PathStep: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)
    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
}

/// Loads `document` as the relay would, with `environment`.
func loadConfiguration(
    _ document: JSONValue, environment: [String: String] = [:], directory: String? = nil,
    hostName: String? = "relay-host-1"
) -> Result<RelayConfiguration, ConfigurationError> {
    Result { () throws(ConfigurationError) in
        try ConfigurationLoader(environment: environment, hostName: hostName).load(
            bytes: Array(document.text(indent: 2).utf8), source: "test.json", directory: directory)
    }
}

/// The problems loading `document` reports; records an issue if it loads.
func problems(
    _ document: JSONValue, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) -> [ConfigurationProblem] {
    switch loadConfiguration(document, environment: environment) {
    case .success:
        Issue.record("the configuration was accepted", sourceLocation: sourceLocation)
        return []
    case .failure(.problems(_, let problems)):
        return problems
    case .failure(let other):
        Issue.record("unexpected error \(other)", sourceLocation: sourceLocation)
        return []
    }
}

/// A fresh temporary folder.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sync-relay-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
