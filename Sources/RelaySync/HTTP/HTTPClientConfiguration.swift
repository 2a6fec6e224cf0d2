/// Settings for a `CurlHTTPClient`. Proxies come from the environment (`https_proxy`, `no_proxy`, ...), as libcurl
/// reads them by default.
public struct HTTPClientConfiguration: Sendable {
    /// How long to wait for a connection (TCP and TLS handshakes).
    public var connectTimeout: Duration
    /// The default deadline of a whole request, when the request sets none.
    public var requestTimeout: Duration
    /// The most connections open to one host at a time (`CURLMOPT_MAX_HOST_CONNECTIONS`); further requests queue.
    /// With HTTP/2 many requests share one connection.
    public var maxConnectionsPerHost: Int
    /// The most requests handed to libcurl at once; more wait in the client's own FIFO queue (their timeout still
    /// counts from `execute`). This keeps libcurl's per-transfer bookkeeping small with thousands of waiting
    /// requests, and it matches Twilio's per-account concurrency limit (20429 past it).
    public var maxTransfersInFlight: Int
    /// The size of the idle connection cache (`CURLMOPT_MAXCONNECTS`); never less than `maxConnectionsPerHost`.
    public var connectionCacheSize: Int
    /// Skip TLS certificate checks, for loopback hosts only (a local emulator with a self-signed certificate).
    /// Verification can never be turned off for any other host: the client ignores this for them.
    public var skipsTLSVerificationOnLoopback: Bool
    /// A CA bundle to trust instead of the system's (`CURLOPT_CAINFO`), for private PKI.
    public var caBundlePath: String?

    /// Creates settings; the defaults suit Twilio's API.
    public init(
        connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30),
        maxConnectionsPerHost: Int = 8,
        maxTransfersInFlight: Int = 100,
        connectionCacheSize: Int = 64,
        skipsTLSVerificationOnLoopback: Bool = false,
        caBundlePath: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxTransfersInFlight = maxTransfersInFlight
        self.connectionCacheSize = connectionCacheSize
        self.skipsTLSVerificationOnLoopback = skipsTLSVerificationOnLoopback
        self.caBundlePath = caBundlePath
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, for libcurl's `*_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
