import Foundation

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
    /// The base URL the client used (`http://127.0.0.1:PORT`), for URLs in responses.
    public var baseURL: String

    /// Creates a request.
    public init(
        method: String, path: String, query: [String: String] = [:], form: [String: String] = [:],
        authorization: String? = nil, baseURL: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.form = form
        self.authorization = authorization
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

    /// Creates a response.
    public init(status: Int, retryAfter: Int? = nil, body: [UInt8] = []) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }

    /// A JSON response.
    static func json(_ status: Int, _ object: [String: Any]) -> EmulatorResponse {
        EmulatorResponse(status: status, body: JSONBody.encode(object))
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
}
