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
    /// Each request's delay varies by up to this much either way (uniformly, drawn per request), in milliseconds:
    /// `latencyMs` 150 with `jitterMs` 30 delays each request by 120 to 180 ms.
    public var jitterMs: Int?
    /// Where the delay is spent: false (the default), before the request is handled, so a request arrives (and is
    /// counted against the rate limits) late, as one held up on its way; true, after it was handled and before its
    /// answer leaves, as a threaded server that sleeps in its handler: arrivals keep the pace they were sent at.
    public var delaysTheAnswer: Bool?
    /// Close the connection instead of answering properly.
    public var dropConnection: Bool?

    /// Creates a fault.
    public init(
        status: Int? = nil, code: Int? = nil, message: String? = nil, retryAfter: Int? = nil, count: Int? = nil,
        fraction: Double? = nil, stream: String? = nil, latencyMs: Int? = nil, jitterMs: Int? = nil,
        delaysTheAnswer: Bool? = nil, dropConnection: Bool? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.count = count
        self.fraction = fraction
        self.stream = stream
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.delaysTheAnswer = delaysTheAnswer
        self.dropConnection = dropConnection
    }

    enum CodingKeys: String, CodingKey {
        case status, code, message, count, fraction, stream
        case retryAfter = "retry_after"
        case latencyMs = "latency_ms"
        case jitterMs = "jitter_ms"
        case delaysTheAnswer = "delay_answer"
        case dropConnection = "drop_connection"
    }
}

/// What the faults decided for one request.
struct FaultDecision: Sendable {
    /// Delay before the request is handled.
    var latency: Duration?
    /// Delay after it was handled, before the answer leaves.
    var answerLatency: Duration?
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

    /// This request's delay: `latencyMs` moved by a uniform draw within ±`jitterMs` (never below zero); nil without
    /// `latencyMs`.
    func latency(using random: inout some RandomNumberGenerator) -> Duration? {
        guard let latencyMs = fault.latencyMs else { return nil }
        let jitter = max(0, fault.jitterMs ?? 0)
        guard jitter > 0 else { return .milliseconds(max(0, latencyMs)) }
        let microseconds = Int.random(in: (latencyMs - jitter) * 1000...(latencyMs + jitter) * 1000, using: &random)
        return .microseconds(max(0, microseconds))
    }
}
