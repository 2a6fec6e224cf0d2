import Foundation
import RelayCore

/// A client for the part of the Confluent Schema Registry REST API a consumer needs: a schema by id
/// (`GET /schemas/ids/{id}`), with the schemas it references resolved through
/// `GET /subjects/{subject}/versions/{version}`. Works with Confluent's registry and the compatible ones (Redpanda,
/// Karapace, Apicurio's ccompat API) and with `sync-relay registry-emulator`.
///
/// Holds no mutable state but its credentials (`credentials`, replaced when a reload rotates them): caching (by id,
/// bounded) and fetching once per id belong to the engine, which asks for an id only once however many records need
/// it.
public struct SchemaRegistryClient: Sendable {
    private let http: CurlHTTPClient
    /// The registry's base URL without a trailing slash.
    public let baseURL: String
    /// The `Authorization` header (basic or bearer, or none), read as each request is built.
    public let credentials: CredentialHolder
    private let headers: [(name: String, value: String)]
    private let timeout: Duration

    /// The most reference levels followed (a reference of a reference ...).
    public static let maximumReferenceDepth = 16

    /// Why a schema could not be had.
    public enum FetchError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The registry has no such schema (404): the record's fault, not the registry's.
        case notFound(String)
        /// The schema is one the relay cannot use (an unknown type, references nested too deep).
        case unusable(String)
        /// The registry is unreachable, failing or refusing the relay's credentials: try again later.
        case unavailable(String)

        public var description: String {
            switch self {
            case .notFound(let reason), .unusable(let reason), .unavailable(let reason): reason
            }
        }
    }

    /// A client for the registry at `configuration.url`, with its credentials (basic auth, or a bearer token).
    public init(configuration: SchemaRegistryConfiguration, http: CurlHTTPClient) {
        self.http = http
        baseURL = configuration.url.hasSuffix("/") ? String(configuration.url.dropLast()) : configuration.url
        headers = [
            ("Accept", "application/vnd.schemaregistry.v1+json, application/json"), ("User-Agent", "sync-relay"),
        ]
        credentials = CredentialHolder(authorization: Self.authorization(for: configuration))
        timeout = configuration.timeout
    }

    /// The `Authorization` value for `configuration`'s credentials: basic with a username, else bearer with a
    /// token, else none.
    public static func authorization(for configuration: SchemaRegistryConfiguration) -> String? {
        if let username = configuration.username {
            return CredentialHolder.basic(username: username, password: configuration.password.reveal())
        }
        let token = configuration.token.reveal()
        return token.isEmpty ? nil : "Bearer " + token
    }

    /// The schema with `id`, its references' texts resolved (dependencies first).
    ///
    /// A Protobuf schema is asked for again serialized (`?format=serialized`: a base64 `FileDescriptorProto`, which
    /// Confluent's registry and Redpanda's from 25.2 serve), with its references the same way, so the relay decodes
    /// it without parsing `.proto` text; a registry that cannot serve it so leaves the `.proto` text.
    public func document(id: UInt32) async throws(FetchError) -> RegistrySchemaDocument {
        var body = try await get("/schemas/ids/\(id)", what: "schema id \(id)")
        let type = try Self.type(of: body)
        var query = ""
        if type == .protobuf,
            let serialized = try await optionalGet("/schemas/ids/\(id)?format=serialized", what: "schema id \(id)")
        {
            body = serialized
            query = "?format=serialized"
        }
        var texts: [String] = []
        var seen = Set<String>()
        try await resolve(body, query: query, into: &texts, seen: &seen, depth: 0)
        return RegistrySchemaDocument(type: type, text: try Self.text(of: body), references: texts)
    }

    /// Appends the texts of the schemas `body` references (recursively, dependencies first) to `texts`.
    private func resolve(
        _ body: JSONValue, query: String, into texts: inout [String], seen: inout Set<String>, depth: Int
    ) async throws(FetchError) {
        guard case .array(let references)? = body["references"] else { return }
        guard depth < Self.maximumReferenceDepth else {
            throw .unusable("references nest deeper than \(Self.maximumReferenceDepth) levels")
        }
        for reference in references {
            guard case .string(let subject)? = reference["subject"], let version = reference["version"] else {
                throw .unavailable("the registry sent a reference without a subject and version")
            }
            let versionText: String
            switch version {
            case .number(let lexeme): versionText = lexeme
            case .string(let text): versionText = text
            default: throw .unavailable("the registry sent a reference with a bad version")
            }
            guard seen.insert("\(subject)/\(versionText)").inserted else { continue }
            let path =
                "/subjects/\(FormEncoding.percentEncode(subject))/versions/\(FormEncoding.percentEncode(versionText))"
            let referenced = try await get(path + query, what: "subject \(subject) version \(versionText)")
            try await resolve(referenced, query: query, into: &texts, seen: &seen, depth: depth + 1)
            texts.append(try Self.text(of: referenced))
        }
    }

    /// `get`, or nil when the registry does not serve that form (400, 404, 415, 422, 501: an older registry).
    private func optionalGet(_ path: String, what: String) async throws(FetchError) -> JSONValue? {
        let response = try await send(path, what: what)
        if [400, 404, 415, 422, 501].contains(response.status) { return nil }
        return try Self.body(response, what: what)
    }

    private func get(_ path: String, what: String) async throws(FetchError) -> JSONValue {
        try Self.body(try await send(path, what: what), what: what)
    }

    private func send(_ path: String, what: String) async throws(FetchError) -> HTTPClientResponse {
        do {
            var requestHeaders = headers
            if let authorization = credentials.authorization {
                requestHeaders.append(("Authorization", authorization))
            }
            return try await http.execute(
                HTTPClientRequest(method: .get, url: baseURL + path, headers: requestHeaders, timeout: timeout))
        } catch {
            throw .unavailable("the registry did not answer for \(what): \(error.reason)")
        }
    }

    /// The JSON object of a 200; the meaning of any other status.
    private static func body(_ response: HTTPClientResponse, what: String) throws(FetchError) -> JSONValue {
        switch response.status {
        case 200:
            guard let body = try? JSONParser.parse(response.body), body.members != nil else {
                throw .unavailable("the registry's answer for \(what) is not a JSON object")
            }
            return body
        case 404:
            throw .notFound("the registry has no \(what) (\(Self.errorText(response)))")
        case 401, 403:
            throw .unavailable(
                "the registry refused the credentials (HTTP \(response.status)); set schemaRegistry.username and password, or token"
            )
        default:
            throw .unavailable(
                "the registry answered HTTP \(response.status) for \(what) (\(Self.errorText(response)))")
        }
    }

    private static func errorText(_ response: HTTPClientResponse) -> String {
        if let body = try? JSONParser.parse(response.body), case .string(let message)? = body["message"] {
            return message
        }
        return "HTTP \(response.status)"
    }

    private static func text(of body: JSONValue) throws(FetchError) -> String {
        guard case .string(let text)? = body["schema"] else {
            throw .unavailable("the registry's answer has no schema text")
        }
        return text
    }

    private static func type(of body: JSONValue) throws(FetchError) -> RegistrySchemaDocument.SchemaType {
        guard case .string(let name)? = body["schemaType"] else { return .avro }
        guard let type = RegistrySchemaDocument.SchemaType(rawValue: name) else {
            throw .unusable("the schema's type \(name) is none the relay knows (AVRO, JSON, PROTOBUF)")
        }
        return type
    }
}
