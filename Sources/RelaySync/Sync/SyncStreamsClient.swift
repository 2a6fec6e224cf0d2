import Foundation
import RelayCore

/// A client for every Twilio Sync Streams operation: create, fetch, list, update, delete and publish, with one face
/// (`async`, throwing `SyncError`). The relay's engine path, which needs no task per request, is
/// `SyncStreamPublisher`: it sends the same requests (`createRequest`, `updateRequest`, `messageRequest`) and takes
/// each answer on the HTTP client's loop thread. `SyncSnapshotWriter` sends the requests for Documents, Maps and
/// Map Items built here too (`SyncStreamsClient+Objects.swift`), over the same connections and credentials.
///
/// Streams are addressed by SID (`TO...`) or unique name. Every failure throws a `SyncError`; its `outcome` says
/// what the failure means for retries. The client's only mutable state is its credentials (`CredentialHolder`,
/// replaced when a reload rotates them); share one per process and service.
public struct SyncStreamsClient: Sendable {
    /// Twilio's production API.
    public static let twilioBaseURL = "https://sync.twilio.com"

    let http: CurlHTTPClient
    /// The `Authorization` header of every request, read as each request is built: a reload that rotates the
    /// credentials replaces it (`CredentialHolder`), and requests already built keep the one they carry.
    public let credentials: CredentialHolder
    /// The other headers of every request, built once.
    private let headers: (plain: [(name: String, value: String)], form: [(name: String, value: String)])
    /// The API's base URL without a trailing slash (Twilio's or the emulator's).
    public let baseURL: String
    /// The Sync service (`IS...`) all streams belong to.
    public let serviceSID: String
    /// The deadline of each request; `nil` uses the HTTP client's default.
    public var requestTimeout: Duration?
    /// Where the `Twilio-Concurrent-Requests` of every response goes (nil: nowhere).
    public let concurrencyFeed: TwilioConcurrencyFeed?

    /// Creates a client over a shared HTTP client, with fixed credentials.
    public init(
        http: CurlHTTPClient,
        credentials: TwilioCredentials,
        serviceSID: String,
        baseURL: String = SyncStreamsClient.twilioBaseURL,
        requestTimeout: Duration? = nil,
        concurrencyFeed: TwilioConcurrencyFeed? = nil
    ) {
        self.init(
            http: http, credentials: CredentialHolder(credentials), serviceSID: serviceSID, baseURL: baseURL,
            requestTimeout: requestTimeout, concurrencyFeed: concurrencyFeed)
    }

    /// Creates a client over a shared HTTP client, with credentials the caller may replace while it runs.
    public init(
        http: CurlHTTPClient,
        credentials: CredentialHolder,
        serviceSID: String,
        baseURL: String = SyncStreamsClient.twilioBaseURL,
        requestTimeout: Duration? = nil,
        concurrencyFeed: TwilioConcurrencyFeed? = nil
    ) {
        self.http = http
        self.credentials = credentials
        self.concurrencyFeed = concurrencyFeed
        let plain: [(name: String, value: String)] = [
            ("Accept", "application/json"),
            ("User-Agent", "sync-relay"),
        ]
        headers = (plain, plain + [("Content-Type", "application/x-www-form-urlencoded")])
        self.serviceSID = serviceSID
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        serviceURL = "\(self.baseURL)/v1/Services/\(FormEncoding.percentEncode(serviceSID))"
        streamsURL = "\(serviceURL)/Streams"
        self.requestTimeout = requestTimeout
    }

    /// Whether each connection to the API carries one request at a time: the client asks for HTTP/2 over TLS only
    /// (`CURL_HTTP_VERSION_2TLS`), so a plain `http://` base URL (a loopback emulator) speaks HTTP/1.1.
    public var carriesOneRequestPerConnection: Bool { baseURL.lowercased().hasPrefix("http://") }

    /// The service's URL (`.../v1/Services/{sid}`), built once; its Documents and Maps are under it.
    let serviceURL: String
    /// The service's Streams collection, built once.
    private let streamsURL: String

    private func streamURL(_ stream: String) -> String {
        "\(streamsURL)/\(FormEncoding.percentEncode(stream))"
    }

    /// Creates a stream. `ttl` is in seconds (0 = never expires).
    public func createStream(uniqueName: String? = nil, ttl: Int? = nil) async throws(SyncError) -> SyncStream {
        try await decode(SyncStream.self, send(createRequest(uniqueName: uniqueName, ttl: ttl)))
    }

    /// Fetches a stream by SID or unique name.
    public func fetchStream(_ stream: String) async throws(SyncError) -> SyncStream {
        try await decode(SyncStream.self, send(.get, streamURL(stream)))
    }

    /// Sets a stream's TTL in seconds from now (0 = never expires).
    public func updateStream(_ stream: String, ttl: Int) async throws(SyncError) -> SyncStream {
        try await decode(SyncStream.self, send(updateRequest(stream, ttl: ttl)))
    }

    /// Deletes a stream.
    public func deleteStream(_ stream: String) async throws(SyncError) {
        _ = try await send(.delete, streamURL(stream))
    }

    /// Publishes one message to a stream.
    public func publish(_ data: SyncMessageData, to stream: String) async throws(SyncError) -> SyncStreamMessage {
        let response = try await send(messageRequest(Array(data.json.utf8), to: stream))
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let sid = object["sid"] as? String
        else {
            throw SyncError(code: .decoding, reason: "unexpected Stream Message response", status: response.status)
        }
        var dataJSON = "{}"
        if let value = object["data"], JSONSerialization.isValidJSONObject(value),
            let encoded = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        {
            dataJSON = String(decoding: encoded, as: UTF8.self)
        }
        return SyncStreamMessage(sid: sid, dataJSON: dataJSON)
    }

    /// Fetches the first page of streams. `pageSize` is 1...100 (Twilio's default is 50).
    public func listStreamsPage(pageSize: Int? = nil) async throws(SyncError) -> SyncStreamPage {
        var url = streamsURL
        if let pageSize { url += "?PageSize=\(pageSize)" }
        return try await decode(SyncStreamPage.self, send(.get, url))
    }

    /// Fetches the page at a `next_page_url`. Only URLs under `baseURL` are followed, so credentials never go to
    /// another host.
    public func streamsPage(at url: String) async throws(SyncError) -> SyncStreamPage {
        guard url.hasPrefix(baseURL + "/") else {
            throw SyncError(code: .decoding, reason: "refusing to follow a page URL outside \(baseURL)")
        }
        return try await decode(SyncStreamPage.self, send(.get, url))
    }

    /// All streams, fetched page by page as the sequence is iterated (following `next_page_url`).
    public func streams(pageSize: Int? = nil) -> SyncStreamList {
        SyncStreamList(client: self, pageSize: pageSize)
    }

    // MARK: Requests (shared with `SyncStreamPublisher`)

    /// Creates stream `uniqueName` (nil: Twilio names it) with `ttl` seconds (nil: never expires).
    func createRequest(uniqueName: String?, ttl: Int?) -> HTTPClientRequest {
        var fields: [(String, String)] = []
        if let uniqueName { fields.append(("UniqueName", uniqueName)) }
        if let ttl { fields.append(("Ttl", String(ttl))) }
        return makeRequest(.post, streamsURL, body: Array(FormEncoding.encode(fields).utf8))
    }

    /// Sets stream `stream`'s TTL to `ttl` seconds from now.
    func updateRequest(_ stream: String, ttl: Int) -> HTTPClientRequest {
        makeRequest(.post, streamURL(stream), body: Array(FormEncoding.encode([("Ttl", String(ttl))]).utf8))
    }

    /// Publishes `data`, the exact `Data` JSON bytes, form-encoded straight from the bytes.
    func messageRequest(_ data: [UInt8], to stream: String) -> HTTPClientRequest {
        makeRequest(.post, "\(streamURL(stream))/Messages", body: FormEncoding.body(name: "Data", value: data))
    }

    // MARK: Transport

    private func send(_ method: HTTPClientRequest.Method, _ url: String) async throws(SyncError) -> HTTPClientResponse {
        try await send(makeRequest(method, url, body: nil))
    }

    /// Sends `request`; throws for a non-2xx answer.
    private func send(_ request: HTTPClientRequest) async throws(SyncError) -> HTTPClientResponse {
        let response = try await http.execute(request)
        observe(response, teachesLimit: false)  // list, get, probe: not under the cap
        guard (200..<300).contains(response.status) else {
            throw Self.error(for: response)
        }
        return response
    }

    /// A request with the client's headers (the credentials held now), and `If-Match: ifMatch` when given; a body
    /// is sent form-encoded.
    func makeRequest(
        _ method: HTTPClientRequest.Method, _ url: String, body: [UInt8]?, ifMatch: String? = nil
    ) -> HTTPClientRequest {
        var requestHeaders = body == nil ? headers.plain : headers.form
        if let authorization = credentials.authorization { requestHeaders.append(("Authorization", authorization)) }
        if let ifMatch { requestHeaders.append(("If-Match", ifMatch)) }
        return HTTPClientRequest(method: method, url: url, headers: requestHeaders, body: body, timeout: requestTimeout)
    }

    /// Hands `response`'s `Twilio-Concurrent-Requests` to the feed, if any; call before the response's answer is
    /// handed on. A 20429 teaches the account's concurrency limit only when `teachesLimit` (the request was one the
    /// cap counts, not a creation, which Twilio also refuses with 20429 for the creation rate).
    func observe(_ response: HTTPClientResponse, teachesLimit: Bool) {
        concurrencyFeed?.observe(response, teachesLimit: teachesLimit)
    }

    /// The typed error for a non-2xx response.
    static func error(for response: HTTPClientResponse) -> SyncError {
        let body = TwilioErrorBody.decode(response.body)
        var reason = "HTTP \(response.status)"
        if let code = body?.code { reason += " (Twilio error \(code))" }
        if let message = body?.message { reason += ": \(message)" }
        return SyncError(
            code: .http,
            reason: reason,
            status: response.status,
            twilioError: body,
            retryAfter: SyncOutcomeClassifier.parseRetryAfter(response.header("retry-after"))
        )
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ response: HTTPClientResponse) throws(SyncError) -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw SyncError(
                code: .decoding, reason: "unexpected \(Value.self) response from \(baseURL)", status: response.status)
        }
    }
}
