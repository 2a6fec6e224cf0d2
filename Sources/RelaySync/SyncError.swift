/// An error from the Twilio side. Public errors never expose C types: libcurl's code is kept as an `Int`.
///
/// Branch on `code` (or on `outcome` for retry decisions), never on `reason`.
public struct SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        /// The request could not be made or completed (connection, DNS, TLS, libcurl failure).
        public static let transport = Code(name: "transport")
        /// The request did not complete within its connect or total timeout.
        public static let timeout = Code(name: "timeout")
        /// The calling task was cancelled; the transfer was abandoned.
        public static let cancelled = Code(name: "cancelled")
        /// The HTTP client was shut down before the request completed.
        public static let shutdown = Code(name: "shutdown")
        /// Twilio (or the emulator) answered with an error status; see `status` and `twilioCode`.
        public static let http = Code(name: "http")
        /// A response could not be decoded.
        public static let decoding = Code(name: "decoding")
        /// The request was refused locally before sending (bad argument, message not a JSON object).
        public static let invalidRequest = Code(name: "invalid-request")
        /// The message is larger than Twilio's limit and was refused locally before sending.
        public static let messageTooLarge = Code(name: "message-too-large")
        /// Credentials are missing or incomplete.
        public static let credentials = Code(name: "credentials")
        /// The code's name.
        public var description: String { name }
    }

    /// The error's code.
    public let code: Code
    /// A plain-English reason, safe to log (never contains secrets).
    public let reason: String
    /// libcurl's `CURLcode`, when one caused this error.
    public let curlCode: Int?
    /// The HTTP status, when a response was received.
    public let status: Int?
    /// Twilio's error body, when the response carried one.
    public let twilioError: TwilioErrorBody?
    /// The server's `Retry-After`, when a response carried one.
    public let retryAfter: Duration?

    /// Creates an error.
    public init(
        code: Code,
        reason: String,
        curlCode: Int? = nil,
        status: Int? = nil,
        twilioError: TwilioErrorBody? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.reason = reason
        self.curlCode = curlCode
        self.status = status
        self.twilioError = twilioError
        self.retryAfter = retryAfter
    }

    /// Twilio's numeric error code, if any (for example 54009).
    public var twilioCode: Int? { twilioError?.code }

    /// `code: reason`, safe to log.
    public var description: String { "\(code): \(reason)" }
}
