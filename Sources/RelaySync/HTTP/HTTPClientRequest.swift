/// One HTTP request for `CurlHTTPClient`: a plain value, safe to send between tasks.
public struct HTTPClientRequest: Sendable {
    /// The HTTP method.
    public enum Method: String, Sendable {
        /// GET
        case get = "GET"
        /// POST
        case post = "POST"
        /// DELETE
        case delete = "DELETE"
        /// PUT
        case put = "PUT"
    }

    /// The method.
    public var method: Method
    /// The absolute URL (`http` or `https`).
    public var url: String
    /// Request headers as `(name, value)` pairs, in order. Values must not contain line breaks.
    public var headers: [(name: String, value: String)]
    /// The request body, sent as is (with `Content-Length`).
    public var body: [UInt8]?
    /// The whole request's deadline, from hand-over to the last response byte; `nil` uses the client's default.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: Method = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
