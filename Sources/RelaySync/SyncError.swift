/// An error from the Twilio side. Public errors never expose C types: libcurl's code is kept as an `Int`.
public struct SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        /// The request could not be made or completed (connection, TLS, libcurl failure).
        public static let transport = Code(name: "transport")
        public var description: String { name }
    }

    /// The error's code.
    public let code: Code
    /// A plain-English reason, safe to log (never contains secrets).
    public let reason: String
    /// libcurl's `CURLcode`, when one caused this error.
    public let curlCode: Int?

    /// Creates an error.
    public init(code: Code, reason: String, curlCode: Int? = nil) {
        self.code = code
        self.reason = reason
        self.curlCode = curlCode
    }

    public var description: String { "\(code): \(reason)" }
}
