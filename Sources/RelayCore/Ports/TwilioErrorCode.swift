/// The Twilio error codes the relay acts on, spelled once: the Sync client classifies answers by them
/// (`SyncOutcomeClassifier`), metrics label outcomes with them, and the emulator answers with them.
/// twilio.com/docs/api/errors.
public enum TwilioErrorCode {
    /// 20001: a parameter is invalid (a page size, a list order, an update that sets nothing).
    public static let invalidParameter = 20001
    /// 20003: authentication failed (401).
    public static let authenticationFailed = 20003
    /// 20004: the method is not allowed on this resource (405).
    public static let methodNotAllowed = 20004
    /// 20404: the requested resource was not found.
    public static let notFound = 20404
    /// 20429: too many requests for the account (its concurrency or request rate).
    public static let accountRateLimited = 20429
    /// 54006: the message or object data is too large.
    public static let dataTooLarge = 54006
    /// 54008: the data is not valid JSON (or not a JSON object).
    public static let invalidData = 54008
    /// 54009: the object's rate limit was exceeded (a stream's 30 messages per second, a Document's or Map's 20
    /// writes per second).
    public static let rateExceeded = 54009
    /// 54011: the TTL is invalid.
    public static let invalidTTL = 54011
    /// 54100: the Sync Document was not found.
    public static let documentNotFound = 54100
    /// 54103: the Document's revision does not match the request's `If-Match` (412).
    public static let documentRevisionMismatch = 54103
    /// 54200: the Sync Map was not found.
    public static let mapNotFound = 54200
    /// 54201: the Map Item was not found.
    public static let mapItemNotFound = 54201
    /// 54205: the Map Item's revision does not match the request's `If-Match` (412).
    public static let mapItemRevisionMismatch = 54205
    /// 54206: the Map Item's data is missing.
    public static let invalidMapItemData = 54206
    /// 54208: a Map Item with this key already exists in the Map (409).
    public static let mapItemExists = 54208
    /// 54209: the Map Item key is invalid (empty or too long).
    public static let invalidMapItemKey = 54209
    /// 54250: the Sync service was not found.
    public static let serviceNotFound = 54250
    /// 54300: the stream was not found.
    public static let streamNotFound = 54300
    /// 54301: a stream, Document or Map with this unique name already exists.
    public static let uniqueNameExists = 54301
    /// 54302: the unique name is invalid.
    public static let invalidUniqueName = 54302

    /// The codes that mean "no such stream or service".
    public static let notFoundCodes: Set<Int> = [notFound, serviceNotFound, streamNotFound]
}
