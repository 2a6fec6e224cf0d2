import Foundation

/// How the client authenticates to Twilio: HTTP basic with account SID + auth token, or API key SID + secret.
///
/// `description` never shows a secret, so the value is safe to log or print.
public struct TwilioCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The basic-auth user: an account SID (`AC...`) or an API key SID (`SK...`).
    public let username: String
    /// The auth token or API key secret.
    public let password: String

    /// Account SID + auth token.
    public static func authToken(accountSID: String, authToken: String) -> TwilioCredentials {
        TwilioCredentials(username: accountSID, password: authToken)
    }

    /// API key SID + secret (preferred: revocable).
    public static func apiKey(sid: String, secret: String) -> TwilioCredentials {
        TwilioCredentials(username: sid, password: secret)
    }

    /// Creates credentials from a basic-auth user and password.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `Authorization` header value.
    var authorizationHeader: String {
        CredentialHolder.basic(username: username, password: password)
    }

    /// The user, with the secret redacted.
    public var description: String { "TwilioCredentials(user: \(username), secret: <redacted>)" }
}

/// Credential and service fields from one source (flags, a config file, the environment); any may be missing.
public struct TwilioCredentialFields: Sendable, Hashable {
    /// `TWILIO_ACCOUNT_SID` or equivalent.
    public var accountSID: String?
    /// `TWILIO_AUTH_TOKEN` or equivalent.
    public var authToken: String?
    /// `TWILIO_API_KEY` or equivalent.
    public var apiKey: String?
    /// `TWILIO_API_SECRET` or equivalent.
    public var apiSecret: String?
    /// `TWILIO_SYNC_SERVICE_SID` or equivalent.
    public var serviceSID: String?

    /// Creates a set of fields; empty strings count as missing.
    public init(
        accountSID: String? = nil, authToken: String? = nil, apiKey: String? = nil, apiSecret: String? = nil,
        serviceSID: String? = nil
    ) {
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        self.accountSID = nonEmpty(accountSID)
        self.authToken = nonEmpty(authToken)
        self.apiKey = nonEmpty(apiKey)
        self.apiSecret = nonEmpty(apiSecret)
        self.serviceSID = nonEmpty(serviceSID)
    }

    /// Reads the standard `TWILIO_*` variables from an environment.
    public static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> TwilioCredentialFields
    {
        TwilioCredentialFields(
            accountSID: environment["TWILIO_ACCOUNT_SID"],
            authToken: environment["TWILIO_AUTH_TOKEN"],
            apiKey: environment["TWILIO_API_KEY"],
            apiSecret: environment["TWILIO_API_SECRET"],
            serviceSID: environment["TWILIO_SYNC_SERVICE_SID"]
        )
    }
}

/// Resolves credentials from sources in precedence order (for example flags, then the config file, then the
/// environment). A source that gives an API key pair or an account SID + token wins as a whole pair, so fields from
/// different sources are never mixed into one credential.
public enum TwilioCredentialResolver {
    /// The credentials and service SID to use.
    public struct Resolved: Sendable, Hashable {
        /// The credentials.
        public var credentials: TwilioCredentials
        /// The Sync service SID.
        public var serviceSID: String
    }

    /// Resolves from `sources`, first wins. Throws a `.credentials` error naming what is missing (never a secret).
    public static func resolve(_ sources: [TwilioCredentialFields]) throws(SyncError) -> Resolved {
        var credentials: TwilioCredentials?
        for source in sources {
            if let key = source.apiKey, let secret = source.apiSecret {
                credentials = .apiKey(sid: key, secret: secret)
                break
            }
            if let account = source.accountSID, let token = source.authToken {
                credentials = .authToken(accountSID: account, authToken: token)
                break
            }
            if source.apiKey != nil || source.apiSecret != nil {
                throw SyncError(
                    code: .credentials,
                    reason: "incomplete API key credentials: give both an API key SID and its secret")
            }
        }
        guard let credentials else {
            throw SyncError(
                code: .credentials,
                reason:
                    "no Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET), or pass them as options"
            )
        }
        guard let serviceSID = sources.lazy.compactMap(\.serviceSID).first else {
            throw SyncError(
                code: .credentials,
                reason: "no Sync service SID: set TWILIO_SYNC_SERVICE_SID or pass --service-sid")
        }
        return Resolved(credentials: credentials, serviceSID: serviceSID)
    }
}
