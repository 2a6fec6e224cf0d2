import Foundation
import RelayCore
import Synchronization

/// A local Confluent Schema Registry: the REST subset that serializers and consumers use (register, look up, fetch
/// by id, subjects and versions, references), with fault injection like the Sync emulator's. See docs/emulator.md.
///
/// Ids are global and reused for the same schema (type, text and references) across subjects, as Confluent's are.
public final class RegistryEmulator: Sendable {
    /// One registered schema.
    struct Schema: Sendable, Equatable {
        var type: String
        var text: String
        /// The raw `references` array as registered (`name`, `subject`, `version`).
        var references: JSONValue
    }

    /// What the registry does with requests (`POST /_registry/faults`).
    public enum Fault: String, Sendable, CaseIterable {
        /// Answer normally.
        case none
        /// Answer every request with 503 (a registry being restarted).
        case unavailable
        /// Answer every request with 500.
        case error
    }

    private struct State {
        var schemas: [Schema] = []  // id - 1
        var subjects: [String: [Int]] = [:]  // subject -> ids by version - 1
        var requests: [String: Int] = [:]
        var fault = Fault.none
    }

    private let state = Mutex(State())
    /// Basic auth the registry demands (nil: none).
    public let credentials: (username: String, password: String)?

    public init(credentials: (username: String, password: String)? = nil) {
        self.credentials = credentials
    }

    /// Sets the fault mode.
    public func setFault(_ fault: Fault) { state.withLock { $0.fault = fault } }

    /// Requests served so far, by `METHOD /path-pattern` (e.g. `GET /schemas/ids/{id}`).
    public var requestCounts: [String: Int] { state.withLock { $0.requests } }

    /// Registers `text` under `subject` (as a serializer would), returning its id.
    @discardableResult
    public func register(subject: String, type: String = "AVRO", text: String, references: JSONValue = .array([]))
        -> Int
    {
        state.withLock { Self.register(&$0, subject: subject, Schema(type: type, text: text, references: references)) }
    }

    private static func register(_ state: inout State, subject: String, _ schema: Schema) -> Int {
        let id: Int
        if let index = state.schemas.firstIndex(of: schema) {
            id = index + 1
        } else {
            state.schemas.append(schema)
            id = state.schemas.count
        }
        if !(state.subjects[subject] ?? []).contains(id) { state.subjects[subject, default: []].append(id) }
        return id
    }

    /// An HTTP answer: status and JSON body.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: JSONValue
    }

    /// Handles one request. `path` has no query; `query` is the raw query string; `authorization` is the header's
    /// value. `format=serialized` serves a Protobuf schema as the base64 `FileDescriptorProto` it was registered as
    /// (Confluent's serializers register that form); one registered as `.proto` text answers 501, as a registry
    /// that cannot serialize it would.
    public func handle(method: String, path: String, query: String? = nil, body: [UInt8], authorization: String?)
        -> Answer
    {
        if path.hasPrefix("/_registry/") { return control(method: method, path: path, body: body) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        let pattern = Self.pattern(method: method, segments: segments)
        let fault = state.withLock { state -> Fault in
            state.requests[pattern, default: 0] += 1
            return state.fault
        }
        switch fault {
        case .unavailable: return Self.error(503, 50003, "the registry is unavailable (fault injected)")
        case .error: return Self.error(500, 50001, "internal error (fault injected)")
        case .none: break
        }
        if let credentials {
            let expected = "Basic " + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
            guard authorization == expected else { return Self.error(401, 401, "Unauthorized") }
        }
        let answer = state.withLock { state in Self.route(&state, method: method, segments: segments, body: body) }
        guard (query ?? "").split(separator: "&").contains("format=serialized"), answer.status == 200,
            case .string(let text)? = answer.body["schema"], answer.body["schemaType"] == .string("PROTOBUF")
        else { return answer }
        guard Base64.decode(text) != nil else {
            return Self.error(501, 50101, "the emulator cannot serialize a schema registered as .proto text")
        }
        return answer
    }

    private static func pattern(method: String, segments: [String]) -> String {
        var parts: [String] = []
        for (index, segment) in segments.enumerated() {
            let previous = index > 0 ? segments[index - 1] : ""
            parts.append(previous == "ids" || previous == "subjects" || previous == "versions" ? "{}" : segment)
        }
        return "\(method) /" + parts.joined(separator: "/")
    }

    private static func route(_ state: inout State, method: String, segments: [String], body: [UInt8]) -> Answer {
        switch (method, segments.count) {
        case ("GET", 3) where segments[0] == "schemas" && segments[1] == "ids":
            guard let id = Int(segments[2]), id >= 1, id <= state.schemas.count else {
                return error(404, 40403, "Schema \(segments[2]) not found")
            }
            return Answer(status: 200, body: describe(state.schemas[id - 1], extra: []))
        case ("GET", 4) where segments[0] == "schemas" && segments[1] == "ids" && segments[3] == "subjects":
            guard let id = Int(segments[2]) else { return error(404, 40403, "Schema not found") }
            let subjects = state.subjects.keys.sorted().filter { state.subjects[$0]!.contains(id) }
            return Answer(status: 200, body: .array(subjects.map { .string($0) }))
        case ("GET", 1) where segments[0] == "subjects":
            return Answer(status: 200, body: .array(state.subjects.keys.sorted().map { .string($0) }))
        case ("GET", 3) where segments[0] == "subjects" && segments[2] == "versions":
            guard let ids = state.subjects[segments[1]] else {
                return error(404, 40401, "Subject '\(segments[1])' not found.")
            }
            return Answer(status: 200, body: .array((1...ids.count).map { .number(String($0)) }))
        case ("GET", 4) where segments[0] == "subjects" && segments[2] == "versions":
            guard let ids = state.subjects[segments[1]] else {
                return error(404, 40401, "Subject '\(segments[1])' not found.")
            }
            let version = segments[3] == "latest" || segments[3] == "-1" ? ids.count : Int(segments[3]) ?? 0
            guard version >= 1, version <= ids.count else {
                return error(404, 40402, "Version \(segments[3]) not found.")
            }
            let id = ids[version - 1]
            return Answer(
                status: 200, body: describe(state.schemas[id - 1], extra: subjectVersion(segments[1], version, id)))
        case ("POST", 3) where segments[0] == "subjects" && segments[2] == "versions":
            guard let schema = parseSchema(body) else { return error(422, 42201, "Invalid schema") }
            let id = register(&state, subject: segments[1], schema)
            return Answer(status: 200, body: .object([JSONMember("id", .number(String(id)))]))
        case ("POST", 2) where segments[0] == "subjects":
            // Look up a schema under a subject.
            guard let schema = parseSchema(body) else { return error(422, 42201, "Invalid schema") }
            guard let ids = state.subjects[segments[1]] else {
                return error(404, 40401, "Subject '\(segments[1])' not found.")
            }
            guard let version = ids.firstIndex(where: { state.schemas[$0 - 1] == schema }).map({ $0 + 1 }) else {
                return error(404, 40403, "Schema not found")
            }
            let id = ids[version - 1]
            return Answer(
                status: 200, body: describe(state.schemas[id - 1], extra: subjectVersion(segments[1], version, id)))
        case ("GET", 1) where segments[0] == "config", ("GET", 2) where segments[0] == "config":
            return Answer(status: 200, body: .object([JSONMember("compatibilityLevel", .string("BACKWARD"))]))
        default:
            return error(404, 404, "HTTP 404 Not Found")
        }
    }

    private static func subjectVersion(_ subject: String, _ version: Int, _ id: Int) -> [JSONMember] {
        [
            JSONMember("subject", .string(subject)), JSONMember("version", .number(String(version))),
            JSONMember("id", .number(String(id))),
        ]
    }

    private static func describe(_ schema: Schema, extra: [JSONMember]) -> JSONValue {
        var members = extra
        if schema.type != "AVRO" { members.append(JSONMember("schemaType", .string(schema.type))) }
        if case .array(let references) = schema.references, !references.isEmpty {
            members.append(JSONMember("references", schema.references))
        }
        members.append(JSONMember("schema", .string(schema.text)))
        return .object(members)
    }

    private static func parseSchema(_ body: [UInt8]) -> Schema? {
        guard let json = try? JSONParser.parse(body), case .string(let text)? = json["schema"] else { return nil }
        var type = "AVRO"
        if case .string(let declared)? = json["schemaType"] { type = declared }
        var references = JSONValue.array([])
        if case .array(let given)? = json["references"] {
            references = .array(
                given.map { reference in
                    .object(
                        ["name", "subject", "version"].compactMap { key in
                            reference[key].map { JSONMember(key, $0) }
                        })
                })
        }
        return Schema(type: type, text: text, references: references)
    }

    private static func error(_ status: Int, _ code: Int, _ message: String) -> Answer {
        Answer(
            status: status,
            body: .object([JSONMember("error_code", .number(String(code))), JSONMember("message", .string(message))]))
    }

    /// `POST /_registry/faults` with `{"mode": "unavailable" | "error" | "none"}`; `GET /_registry/stats`.
    private func control(method: String, path: String, body: [UInt8]) -> Answer {
        switch (method, path) {
        case ("POST", "/_registry/faults"):
            guard let json = try? JSONParser.parse(body), case .string(let mode)? = json["mode"],
                let fault = Fault(rawValue: mode)
            else {
                return Self.error(
                    400, 400, "send {\"mode\": \"none\" | \"unavailable\" | \"error\"}")
            }
            setFault(fault)
            return Answer(status: 200, body: .object([JSONMember("mode", .string(fault.rawValue))]))
        case ("GET", "/_registry/stats"):
            let (requests, schemas, subjects) = state.withLock { ($0.requests, $0.schemas.count, $0.subjects.count) }
            return Answer(
                status: 200,
                body: .object([
                    JSONMember("schemas", .number(String(schemas))),
                    JSONMember("subjects", .number(String(subjects))),
                    JSONMember(
                        "requests",
                        .object(requests.keys.sorted().map { JSONMember($0, .number(String(requests[$0]!))) })),
                ]))
        default:
            return Self.error(404, 404, "unknown control path \(path)")
        }
    }
}
