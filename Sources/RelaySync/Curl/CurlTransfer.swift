import CLibCurl
import Foundation

/// One request in flight on the multi loop: its easy handle, the response being received and the completion that
/// gets the answer (the caller's continuation, or a callback that runs on the loop thread).
///
/// Ownership and threads: created, used and destroyed on the multi loop's thread only. The loop keeps it in its
/// table from `curl_multi_add_handle` until after `curl_multi_remove_handle`, which is exactly the time libcurl may
/// call the write and header callbacks, so the unretained `Unmanaged` reference given to libcurl as `WRITEDATA` and
/// `HEADERDATA` always points at a live object.
final class CurlTransfer {
    let id: UInt64
    let easy: CurlEasyHandle
    private let completion: HTTPCompletion
    private var headerList: CurlHeaderList?
    private var body: [UInt8] = []
    /// The header lines of the response being received, kept raw (`HTTPClientResponse` parses them on demand).
    private var rawHeaders: [UInt8] = []
    private var finished = false

    /// Creates a transfer on `easy` (a fresh or reset handle); `configure` then applies the request.
    init(id: UInt64, easy: CurlEasyHandle, completion: @escaping HTTPCompletion) {
        self.id = id
        self.easy = easy
        self.completion = completion
        easy.errorBuffer[0] = 0
    }

    /// Applies the request's options to the easy handle. `loopback` is `LoopbackHost.isLoopback(url: request.url)`,
    /// which the loop caches per URL (parsing the URL for every request was 3% of the relay's CPU). `headers` is
    /// the request's header list, which the loop builds once per distinct set of headers and shares.
    ///
    /// The options that depend only on the kind of request (`CurlRequestProfile`) and the client's configuration are
    /// set once per handle; a recycled handle of the same kind gets only the per-request ones.
    func configure(
        _ request: HTTPClientRequest, loopback: Bool, headers: CurlHeaderList, configuration: HTTPClientConfiguration
    ) throws(SyncError) {
        let profile = CurlRequestProfile(method: request.method, hasBody: request.body != nil, loopback: loopback)
        if easy.preparedFor != profile {
            easy.reset()  // a new handle, another kind, or a setup that failed half way
            try setConstantOptions(profile, configuration: configuration)
            easy.preparedFor = profile
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.requestTimeout).curlMilliseconds)
        if let body = request.body {
            try easy.setBody(body)
        }
        headerList = headers
        try easy.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headers.pointer))
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)
    }

    /// The options every request of `profile` shares, on a reset handle. The handle stays unprepared until they are
    /// all set, so a failure half way gets it reset before its next use.
    private func setConstantOptions(_ profile: CurlRequestProfile, configuration: HTTPClientConfiguration)
        throws(SyncError)
    {
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(easy.errorBuffer))
        try easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try easy.set(CURLOPT_PIPEWAIT, 1)
        try easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        if let caBundlePath = configuration.caBundlePath {
            try easy.set(CURLOPT_CAINFO, caBundlePath)
        }
        if profile.loopback {
            // Loopback never goes through a proxy from the environment (an empty CURLOPT_PROXY disables it).
            try easy.set(CURLOPT_PROXY, "")
        }
        if configuration.skipsTLSVerificationOnLoopback, profile.loopback {
            try easy.set(CURLOPT_SSL_VERIFYPEER, 0)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        } else {
            try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        }
        switch profile.method {
        case .get: try easy.set(CURLOPT_HTTPGET, 1)
        case .post: try easy.set(CURLOPT_POST, 1)
        case .delete, .put: try easy.set(CURLOPT_CUSTOMREQUEST, profile.method.rawValue)
        }
        try easy.set(CURLOPT_WRITEFUNCTION, callback: curlTransferWriteBody)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: curlTransferWriteHeader)
    }

    /// Appends received body bytes (called from the write callback, on the loop thread).
    func appendBody(_ bytes: UnsafeRawBufferPointer) { body.append(contentsOf: bytes) }

    /// Records one received header line (called from the header callback, on the loop thread).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        let bytes = line.bindMemory(to: UInt8.self)
        if bytes.starts(with: "HTTP/".utf8) {
            rawHeaders.removeAll(keepingCapacity: true)  // a new response (after 100 Continue or a redirect)
            return
        }
        if rawHeaders.isEmpty { rawHeaders.reserveCapacity(512) }
        rawHeaders.append(contentsOf: bytes)
    }

    /// Completes the transfer from libcurl's result; resumes the caller exactly once.
    func complete(result: CURLcode) {
        guard result == CURLE_OK else {
            fail(Self.error(for: result, detail: String(cString: easy.errorBuffer)))
            return
        }
        let version: String
        switch easy.info(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_2_0): version = "2"
        case Int(CURL_HTTP_VERSION_1_0): version = "1.0"
        default: version = "1.1"
        }
        let response = HTTPClientResponse(
            status: easy.info(CURLINFO_RESPONSE_CODE),
            rawHeaders: rawHeaders,
            body: body,
            httpVersion: version,
            newConnections: easy.info(CURLINFO_NUM_CONNECTS)
        )
        resume(.success(response))
    }

    /// Fails the transfer; resumes the caller exactly once.
    func fail(_ error: SyncError) { resume(.failure(error)) }

    private func resume(_ result: Result<HTTPClientResponse, SyncError>) {
        guard !finished else { return }
        finished = true
        completion(result)
    }

    /// Maps a `CURLcode` to a public error without exposing the C type.
    static func error(for code: CURLcode, detail: String) -> SyncError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return SyncError(code: .timeout, reason: "request timed out: \(text)", curlCode: Int(code.rawValue))
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return SyncError(code: .transport, reason: "TLS failure: \(text)", curlCode: Int(code.rawValue))
        default:
            return SyncError(code: .transport, reason: text, curlCode: Int(code.rawValue))
        }
    }

    deinit {
        if !finished { completion(.failure(SyncError(code: .shutdown, reason: "transfer abandoned"))) }
    }
}

/// libcurl's write callback: called on the multi loop's thread, inside `curl_multi_perform`, with the transfer as
/// `userdata` (an unretained reference kept alive by the loop's table; see `CurlTransfer`).
private func curlTransferWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.appendBody(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

/// libcurl's header callback: called on the multi loop's thread, once per header line; same lifetime as above.
private func curlTransferWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
