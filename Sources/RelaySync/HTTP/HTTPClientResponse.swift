/// A complete HTTP response as received by `CurlHTTPClient`.
///
/// The headers are kept as the bytes libcurl handed over and parsed only when asked for: a publish that Twilio
/// accepts reads none, and parsing each line into two `String`s and a dictionary entry was a dozen allocations per
/// request (docs/performance.md).
public struct HTTPClientResponse: Sendable {
    /// The status code, for example 201.
    public var status: Int
    /// The body bytes.
    public var body: [UInt8]
    /// The HTTP version used (`1.1`, `2`), as libcurl negotiated it.
    public var httpVersion: String
    /// How many new connections the request had to open (`CURLINFO_NUM_CONNECTS`): 0 when it reused one.
    public var newConnections: Int
    /// The final response's header lines as received (`Name: value` and a line break each), status line excluded.
    var rawHeaders: [UInt8]
    /// Headers given as a dictionary (by `init` or a set of `headers`), names lower-cased; they win over
    /// `rawHeaders`.
    private var givenHeaders: [String: String]?

    /// Creates a response.
    public init(
        status: Int, headers: [String: String] = [:], body: [UInt8] = [], httpVersion: String = "1.1",
        newConnections: Int = 0
    ) {
        self.status = status
        self.body = body
        self.httpVersion = httpVersion
        self.newConnections = newConnections
        rawHeaders = []
        givenHeaders = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { _, last in last }
    }

    /// A response whose headers are `rawHeaders`, parsed on demand (the client's path).
    init(status: Int, rawHeaders: [UInt8], body: [UInt8], httpVersion: String, newConnections: Int) {
        self.status = status
        self.body = body
        self.httpVersion = httpVersion
        self.newConnections = newConnections
        self.rawHeaders = rawHeaders
        givenHeaders = nil
    }

    /// Response headers, names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String] {
        get {
            if let givenHeaders { return givenHeaders }
            var parsed: [String: String] = [:]
            Self.forEachHeader(in: rawHeaders) { name, value in
                parsed[String(decoding: name, as: UTF8.self).lowercased()] = String(decoding: value, as: UTF8.self)
            }
            return parsed
        }
        set { givenHeaders = Dictionary(newValue.map { ($0.key.lowercased(), $0.value) }) { _, last in last } }
    }

    /// The value of a header, looked up case-insensitively (the last one when repeated).
    public func header(_ name: String) -> String? {
        if let givenHeaders { return givenHeaders[name.lowercased()] }
        let wanted = Array(name.utf8)
        var found: String?
        Self.forEachHeader(in: rawHeaders) { candidate, value in
            guard candidate.count == wanted.count,
                zip(candidate, wanted).allSatisfy({ Self.lowercased($0) == Self.lowercased($1) })
            else { return }
            found = String(decoding: value, as: UTF8.self)
        }
        return found
    }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Calls `body` with each `Name: value` line's name and value, blanks around the value trimmed; lines without a
    /// colon (the blank line ending the block) are skipped.
    static func forEachHeader(in raw: [UInt8], _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Void) {
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
        var lineStart = raw.startIndex
        while lineStart < raw.endIndex {
            let lineEnd = raw[lineStart...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? raw.endIndex
            if let colon = raw[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                var start = colon + 1
                var end = lineEnd
                while start < end, isBlank(raw[start]) { start += 1 }
                while end > start, isBlank(raw[end - 1]) { end -= 1 }
                body(raw[lineStart..<colon], raw[start..<end])
            }
            lineStart = lineEnd
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }
}
