import Foundation
import RelayCore

/// A Sync API request reduced to what the emulator's rules need (no server types), so the rules run without a socket.
public struct EmulatorRequest: Sendable {
    /// `GET`, `POST` or `DELETE`.
    public var method: String
    /// The path, for example `/v1/Services/IS.../Streams`.
    public var path: String
    /// Decoded query parameters.
    public var query: [String: String]
    /// Decoded form fields of the body.
    public var form: [String: String]
    /// The `Authorization` header.
    public var authorization: String?
    /// The `If-Match` header: a Document's or Map Item's revision a write is conditional on.
    public var ifMatch: String?
    /// The base URL the client used (`http://127.0.0.1:PORT`), for URLs in responses.
    public var baseURL: String

    /// Creates a request.
    public init(
        method: String, path: String, query: [String: String] = [:], form: [String: String] = [:],
        authorization: String? = nil, ifMatch: String? = nil, baseURL: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.form = form
        self.authorization = authorization
        self.ifMatch = ifMatch
        self.baseURL = baseURL
    }
}

/// The emulator's answer before it is written to the wire.
public struct EmulatorResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The `Retry-After` header, in seconds.
    public var retryAfter: Int?
    /// The JSON body (empty for 204).
    public var body: [UInt8]
    /// The `ETag` header: the revision of the Document, Map or Map Item the body carries.
    public var eTag: String?

    /// Creates a response.
    public init(status: Int, retryAfter: Int? = nil, body: [UInt8] = [], eTag: String? = nil) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
        self.eTag = eTag
    }

    /// A JSON response.
    static func json(_ status: Int, _ object: [String: Any]) -> EmulatorResponse {
        EmulatorResponse(status: status, body: JSONBody.encode(object))
    }

    /// A JSON response carrying a Sync object, with its revision as the `ETag` header.
    static func object(_ status: Int, _ object: [String: Any], revision: String) -> EmulatorResponse {
        EmulatorResponse(status: status, body: JSONBody.encode(object), eTag: revision)
    }

    /// Twilio's error body: `code`, `message`, `more_info`, `status`.
    static func twilioError(_ status: Int, code: Int, _ message: String, retryAfter: Int? = nil) -> EmulatorResponse {
        var response = json(
            status,
            [
                "code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)",
                "status": status,
            ])
        response.retryAfter = retryAfter
        return response
    }

    /// 405 with Twilio's code 20004, for a method an endpoint does not serve.
    static var methodNotAllowed: EmulatorResponse {
        .twilioError(405, code: TwilioErrorCode.methodNotAllowed, "Method not allowed")
    }

    /// The Twilio error code in the body, if this is an error response.
    var twilioCode: Int? {
        guard status >= 400,
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        return object["code"] as? Int
    }
}

/// JSON encoding for responses (`nil` becomes `null`).
enum JSONBody {
    static func encode(_ object: [String: Any]) -> [UInt8] {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Array(data)
    }

    static func date(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return date.formatted(Date.ISO8601FormatStyle())
    }

    /// Stored JSON object text as an object to embed (an empty object if it no longer parses, which cannot happen
    /// for data the rules accepted).
    static func object(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
    }
}
