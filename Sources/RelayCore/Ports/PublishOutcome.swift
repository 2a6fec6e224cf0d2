/// What one request to Twilio Sync meant, as classified by the Sync client (`RelaySync`) from the HTTP status, the
/// Twilio error code and the transport result. The engine's retry decisions (`RelayCore`) take it as input, so it is
/// a pure value with no HTTP or C types.
public enum PublishOutcome: Sendable, Hashable {
    /// 2xx: Twilio accepted the request.
    case accepted
    /// The stream (or service) does not exist: 404 with 20404, 54250 or 54300.
    case notFound(twilioCode: Int?)
    /// Create found the stream already there: 409 or 54301. Counts as success for creation.
    case alreadyExists
    /// 429: too many requests. `scope` says whose budget ran out; `retryAfter` is the server's `Retry-After`, if any.
    case rateLimited(scope: RateLimitScope, retryAfter: Duration?)
    /// The message was too large (54006). A bug by construction: the packer never produces one.
    case tooLarge(twilioCode: Int?)
    /// Another 4xx rejection of the request itself (54008 invalid data, 54011 bad TTL, 54302 bad unique name, ...).
    case invalid(status: Int, twilioCode: Int?)
    /// 401 (20003) or 403: credentials missing, wrong, or not allowed. May heal when credentials are rotated.
    case unauthorized(status: Int, twilioCode: Int?)
    /// 5xx from Twilio.
    case serverError(status: Int, twilioCode: Int?)
    /// The request did not complete: connection refused or reset, DNS, TLS. `reason` is safe to log.
    case transportError(reason: String)
    /// The request did not complete within its timeout.
    case timeout

    /// Which rate limit a 429 reports.
    public enum RateLimitScope: Sendable, Hashable {
        /// 54009: this stream's 30 messages per second.
        case stream
        /// 20429: the account's concurrency or request rate.
        case account
        /// A 429 with another or no Twilio code.
        case unspecified
    }
}
