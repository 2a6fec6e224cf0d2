/// How a `SyncEmulator` behaves.
public struct SyncEmulatorConfiguration: Sendable {
    /// A basic-auth user and password the emulator accepts.
    public struct Credential: Sendable, Hashable {
        /// An account SID or API key SID.
        public var username: String
        /// The auth token or API key secret.
        public var password: String
        /// Creates a credential.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// The account SID in responses.
    public var accountSID: String
    /// The only Sync service SID served (`default` is accepted as an alias, as Twilio does).
    public var serviceSID: String
    /// The credentials accepted at start (`SyncEmulator.replaceCredentials` replaces them while it runs).
    public var credentials: [Credential]
    /// The per-stream message rate rule.
    public var rateLimit: EmulatorRateLimit
    /// The most messages kept per stream for read-back (oldest dropped first).
    public var retainedMessagesPerStream: Int
    /// The most streams (create answers 400/54300-style limit error beyond it).
    public var maxStreams: Int
    /// The most creations of streams, Documents and Maps together in any sliding second across the service (nil: no
    /// limit); beyond it a create is refused with 429, code 20429 and `Retry-After: 1`, as Twilio refuses an account
    /// sending too much.
    public var createsPerSecond: Int? = nil
    /// The account's limit on concurrent requests (nil: none): a Sync API request arriving while this many are in
    /// flight (`phantomConcurrentRequests` included) is refused with 429, code 20429 and `Retry-After: 1`, as Twilio
    /// refuses an account sending too many at once. Every answer carries `Twilio-Concurrent-Requests` either way.
    public var accountConcurrencyLimit: Int? = nil
    /// Requests the account's other clients have in flight at all times: counted in `Twilio-Concurrent-Requests` and
    /// against `accountConcurrencyLimit`. Per-request latency, which keeps requests in flight longer, is an
    /// `EmulatorFault` with `latencyMs` and `delaysTheAnswer`.
    public var phantomConcurrentRequests = 0
    /// The write budget of each Document and each Map (a Map's item writes count against it); see
    /// `EmulatorObjectLimit`.
    public var objectWriteLimit: EmulatorObjectLimit
    /// The most accepted writes kept per Document or Map for read-back (oldest dropped first).
    public var retainedWritesPerObject = 10_000
    /// The most write logs kept (one per Document or Map); past it, those of objects that no longer exist go.
    public var retainedObjectLogs = 100_000

    /// The default account SID: `AC` and 32 zeros.
    public static let defaultAccountSID = "AC" + String(repeating: "0", count: 32)
    /// The default service SID: `IS` and 32 zeros.
    public static let defaultServiceSID = "IS" + String(repeating: "0", count: 32)
    /// The default auth token.
    public static let defaultAuthToken = "emulator-token"

    /// Creates a configuration; by default accepts the default account SID with `emulator-token`.
    public init(
        accountSID: String = SyncEmulatorConfiguration.defaultAccountSID,
        serviceSID: String = SyncEmulatorConfiguration.defaultServiceSID,
        credentials: [Credential]? = nil,
        rateLimit: EmulatorRateLimit = .strict(),
        retainedMessagesPerStream: Int = 10_000,
        maxStreams: Int = 100_000,
        objectWriteLimit: EmulatorObjectLimit = .strict()
    ) {
        self.accountSID = accountSID
        self.serviceSID = serviceSID
        self.credentials = credentials ?? [Credential(username: accountSID, password: Self.defaultAuthToken)]
        self.rateLimit = rateLimit
        self.retainedMessagesPerStream = retainedMessagesPerStream
        self.maxStreams = maxStreams
        self.objectWriteLimit = objectWriteLimit
    }
}
