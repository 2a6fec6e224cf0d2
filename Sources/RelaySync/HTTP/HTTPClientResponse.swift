/// A complete HTTP response as received by `CurlHTTPClient`.
public struct HTTPClientResponse: Sendable {
    /// The status code, for example 201.
    public var status: Int
    /// Response headers, names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]
    /// The HTTP version used (`1.1`, `2`), as libcurl negotiated it.
    public var httpVersion: String
    /// How many new connections the request had to open (`CURLINFO_NUM_CONNECTS`): 0 when it reused one.
    public var newConnections: Int

    /// Creates a response.
    public init(
        status: Int, headers: [String: String] = [:], body: [UInt8] = [], httpVersion: String = "1.1",
        newConnections: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.newConnections = newConnections
    }

    /// The value of a header, looked up case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
