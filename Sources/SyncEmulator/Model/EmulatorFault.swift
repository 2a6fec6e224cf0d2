import Foundation

/// A fault to inject into Sync API requests (not control requests).
///
/// A fault applies to the next `count` matching requests, or to a `fraction` of them (deterministically: with 0.25
/// every fourth matching request), or, with neither, to every matching request until cleared.
public struct EmulatorFault: Sendable, Hashable, Codable {
    /// The HTTP status to answer with (for example 503 or 429); `nil` to only add latency or drop.
    public var status: Int?
    /// The Twilio error code in the body (for example 54009 or 20429).
    public var code: Int?
    /// The message in the body.
    public var message: String?
    /// A `Retry-After` header, in seconds.
    public var retryAfter: Int?
    /// Apply to this many matching requests, then expire.
    public var count: Int?
    /// Apply to this fraction (0...1] of matching requests.
    public var fraction: Double?
    /// Only requests addressing this stream (SID or unique name); `nil` for all.
    public var stream: String?
    /// Delay before answering, in milliseconds.
    public var latencyMs: Int?
    /// Close the connection instead of answering properly.
    public var dropConnection: Bool?

    /// Creates a fault.
    public init(
        status: Int? = nil, code: Int? = nil, message: String? = nil, retryAfter: Int? = nil, count: Int? = nil,
        fraction: Double? = nil, stream: String? = nil, latencyMs: Int? = nil, dropConnection: Bool? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.count = count
        self.fraction = fraction
        self.stream = stream
        self.latencyMs = latencyMs
        self.dropConnection = dropConnection
    }

    enum CodingKeys: String, CodingKey {
        case status, code, message, count, fraction, stream
        case retryAfter = "retry_after"
        case latencyMs = "latency_ms"
        case dropConnection = "drop_connection"
    }
}

/// What the faults decided for one request.
struct FaultDecision: Sendable {
    var latency: Duration?
    var dropConnection = false
    var response: EmulatorResponse?
}

/// An installed fault with its bookkeeping.
struct ActiveFault: Sendable {
    let id: Int
    let fault: EmulatorFault
    var remaining: Int?
    var accumulator: Double = 0

    /// Whether this fault fires for the next matching request (advances its counters).
    mutating func fires() -> Bool {
        if let fraction = fault.fraction {
            accumulator += min(max(fraction, 0), 1)
            guard accumulator >= 1 - 1e-9 else { return false }
            accumulator -= 1
        }
        if let remaining {
            guard remaining > 0 else { return false }
            self.remaining = remaining - 1
        }
        return true
    }

    var isExhausted: Bool { remaining.map { $0 <= 0 } ?? false }
}
