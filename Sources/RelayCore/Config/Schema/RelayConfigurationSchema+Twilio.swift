extension RelayConfigurationSchema {
    /// `twilio`: account, credentials and the Sync service.
    public static let twilio = ConfigObjectSchema([
        ConfigField(
            "accountSid",
            .string(pattern: TwilioIdentifier.accountPattern, meaning: "an Account SID: AC and 32 hexadecimal digits"),
            required: true, "Twilio Account SID (`AC...`)."
        ),
        ConfigField(
            "authToken", .string(minLength: 1), secret: true,
            "The account's auth token. Give exactly one credential: `authToken`, `authTokenFile`, or `apiKeySid` with its secret."
        ),
        ConfigField(
            "authTokenFile", .string(minLength: 1),
            "File holding the auth token. A relative path is read from `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`) when set, else beside the configuration file. Read again on every reload (`systemctl reload`): a new token is used for the requests that follow, without a restart (systemd's `LoadCredential=` copy does not change while the service runs; operations.md, Secrets)."
        ),
        ConfigField(
            "apiKeySid",
            .string(pattern: TwilioIdentifier.apiKeyPattern, meaning: "an API Key SID: SK and 32 hexadecimal digits"),
            "API Key SID (`SK...`), used with `apiKeySecret` or `apiKeySecretFile` instead of the auth token."
        ),
        ConfigField("apiKeySecret", .string(minLength: 1), secret: true, "The API key's secret."),
        ConfigField(
            "apiKeySecretFile", .string(minLength: 1),
            "File holding the API key's secret; relative paths as for `authTokenFile`, and read again on every reload like it."
        ),
        ConfigField(
            "serviceSid",
            .string(
                pattern: TwilioIdentifier.servicePattern,
                meaning: "a Sync Service SID: IS and 32 hexadecimal digits, or `default`"),
            required: true, "Sync Service SID (`IS...`), or `default` for the account's default Sync service."
        ),
        ConfigField(
            "baseURL", .string(pattern: "^https?://[^/?#]+$", meaning: "an http(s) URL with no path"),
            default: "https://sync.twilio.com",
            "Twilio Sync's API root. `http://` is allowed only for loopback hosts (the local emulator): TLS is never off on a network."
        ),
        ConfigField(
            "connectTimeout", .duration(.milliseconds(100)...(.seconds(60))), default: "5s",
            "Time allowed to open a connection."),
        ConfigField(
            "requestTimeout", .duration(.seconds(1)...(.seconds(300))), default: "15s",
            "Time allowed for a whole request."),
        ConfigField(
            "unavailableAfter", .duration(.seconds(1)...(.seconds(3600))), default: "30s",
            "How long every request to Twilio may fail (connection errors, timeouts, 5xx) before `/readyz` reports Twilio unavailable. Records are held and retried either way; the next success makes the relay ready again."
        ),
        ConfigField(
            "maxConcurrentRequests", .integer(1...10_000), default: 256,
            "Cap on publishes in flight to Twilio across all streams, counted before a message takes its pacer token. Over plain `http://` (HTTP/1.1, one request per connection at a time) `maxConnections` caps it too. A 20429 (account rate) lowers it for a while."
        ),
        ConfigField(
            "accountConcurrencyLimit", .integer(1...100_000, unit: "requests"),
            "The Twilio account's limit on concurrent requests, all apps on the account included, when you know it (Twilio refuses past it with 429 and code 20429; it publishes no number, commonly 100). The relay reads `Twilio-Concurrent-Requests` on every response and keeps its own publishes and snapshot writes in flight (creations, TTL refreshes and the probe are not capped) at or below this limit minus what the account's other clients used over the last 10 s minus a headroom of a twentieth (at least 1), and never above `maxConcurrentRequests`. Unset: the relay learns the limit from the first 20429."
        ),
        ConfigField(
            "maxConnections", .integer(1...1024), default: 16,
            "Cap on connections to the Twilio host. HTTP/2 multiplexes many requests over each; over HTTP/1.x at most this many requests run at once and the rest wait in the relay, each within its request timeout."
        ),
        ConfigField(
            "maxCreatesPerSecond", .integer(1...1000, unit: "creates/s"), default: 25,
            "Stream creations per second across all streams, so a burst of new keys does not hammer the Streams endpoint. A 429 on a create halves it for a while and waits for `Retry-After`; successes raise it back."
        ),
        ConfigField(
            "knownStreams", .integer(1000...10_000_000, unit: "streams"), default: 200_000,
            "How many released streams (keyed routes, idle for `idleAfter`) the relay remembers as existing at Twilio, so a returning key costs no create request. About 100 bytes each."
        ),
    ])
}

extension RelayConfigurationSchema {
    /// `schemaRegistry`: where schemas come from, and how the relay authenticates.
    public static let schemaRegistry = ConfigObjectSchema([
        ConfigField(
            "url", .string(pattern: "^https?://[^?#]+$", meaning: "an http(s) URL"), required: true,
            "The registry's base URL, e.g. `https://psrc-123.eu-central-1.aws.confluent.cloud` or `http://127.0.0.1:8081`."
        ),
        ConfigField(
            "username", .string(minLength: 1),
            "Basic auth user (Confluent Cloud: the API key), with `password` or `passwordFile`."),
        ConfigField(
            "password", .string(minLength: 1), secret: true, "Basic auth password (Confluent Cloud: the API secret)."),
        ConfigField(
            "passwordFile", .string(minLength: 1),
            "File holding the basic auth password; relative paths as for `twilio.authTokenFile`, and read again on every reload like it."
        ),
        ConfigField("token", .string(minLength: 1), secret: true, "A bearer token, instead of basic auth."),
        ConfigField(
            "tokenFile", .string(minLength: 1),
            "File holding the bearer token; relative paths as for `twilio.authTokenFile`, and read again on every reload like it."
        ),
        ConfigField(
            "caFile", .string(minLength: 1),
            "A CA bundle (PEM) to trust for the registry instead of the system's, for a private PKI."),
        ConfigField(
            "timeout", .duration(.milliseconds(100)...(.seconds(300))), default: "10s",
            "Time allowed for one request to the registry (connecting included)."),
        ConfigField(
            "cacheSize", .integer(10...1_000_000, unit: "schemas"), default: 1000,
            "Schemas kept in memory. An id's schema never changes, so each is fetched once; one evicted is fetched again when a record needs it."
        ),
        ConfigField(
            "unreadyAfter", .duration(.seconds(1)...(.seconds(3600))), default: "30s",
            "How long every fetch may fail (the registry unreachable or failing) before `/readyz` reports the registry unavailable. Records needing a schema are held either way (their partitions pause, nothing is committed past them); the next answer makes the relay ready again."
        ),
    ])
}
