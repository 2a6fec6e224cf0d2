import Foundation
import Synchronization

/// The `Authorization` header a client puts on every request it builds, replaceable while the client runs: a reload
/// that rotates a secret (`ConfigurationReload.rotated`) replaces it, requests built afterwards carry the new one,
/// and requests already built or in flight finish with the header they carry.
///
/// Holds the header value only (base64 or bearer text), never the configuration it came from. `description` never
/// shows it. Shared by reference: the relay's runtime keeps it to replace, the Sync client (and through it the
/// publisher and the snapshot writer) or the Schema Registry client reads it once per request.
public final class CredentialHolder: Sendable, CustomStringConvertible {
    private let header: Mutex<String?>

    /// Holds `authorization`, a whole header value (`Basic ...`, `Bearer ...`), or nil for none.
    public init(authorization: String?) {
        header = Mutex(authorization)
    }

    /// Holds Twilio's basic credentials.
    public convenience init(_ credentials: TwilioCredentials) {
        self.init(authorization: credentials.authorizationHeader)
    }

    /// The header value requests built from now on carry; nil: none.
    public var authorization: String? { header.withLock { $0 } }

    /// Replaces the header value: requests built from now on carry `authorization` (nil: none).
    public func replace(authorization: String?) {
        header.withLock { $0 = authorization }
    }

    /// Replaces the header with Twilio's basic credentials `credentials`.
    public func replace(with credentials: TwilioCredentials) {
        replace(authorization: credentials.authorizationHeader)
    }

    /// Says whether a header is held, never what it is.
    public var description: String {
        "CredentialHolder(\(authorization == nil ? "none" : "authorization: <redacted>"))"
    }

    /// The `Authorization` value of HTTP basic `username` and `password`.
    public static func basic(username: String, password: String) -> String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
