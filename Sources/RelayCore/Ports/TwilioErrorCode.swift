/// The Twilio error codes the relay acts on, spelled once: the Sync client classifies answers by them
/// (`SyncOutcomeClassifier`), metrics label outcomes with them, and the emulator answers with them.
/// twilio.com/docs/api/errors.
public enum TwilioErrorCode {
    /// 20003: authentication failed (401).
    public static let authenticationFailed = 20003
    /// 20404: the requested resource was not found.
    public static let notFound = 20404
    /// 20429: too many requests for the account (its concurrency or request rate).
    public static let accountRateLimited = 20429
    /// 54006: the message or object data is too large.
    public static let dataTooLarge = 54006
    /// 54008: the data is not valid JSON (or not a JSON object).
    public static let invalidData = 54008
    /// 54009: the object's rate limit was exceeded (a stream's 30 messages per second).
    public static let rateExceeded = 54009
    /// 54011: the TTL is invalid.
    public static let invalidTTL = 54011
    /// 54250: the Sync service was not found.
    public static let serviceNotFound = 54250
    /// 54300: the stream was not found.
    public static let streamNotFound = 54300
    /// 54301: a stream with this unique name already exists.
    public static let uniqueNameExists = 54301
    /// 54302: the unique name is invalid.
    public static let invalidUniqueName = 54302

    /// The codes that mean "no such stream or service".
    public static let notFoundCodes: Set<Int> = [notFound, serviceNotFound, streamNotFound]
}
