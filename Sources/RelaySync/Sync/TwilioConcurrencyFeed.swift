import RelayCore
import Synchronization

/// Reads `Twilio-Concurrent-Requests` (the account's requests in flight when a request arrived, every app on the
/// account included) from every Sync response the client receives, and hands it to whoever subscribed (the relay's
/// driver, which turns it into `EngineEvent.twilioConcurrencyObserved`). A response without the header, or with a
/// value that is not a non-negative integer, says nothing and is ignored.
///
/// `SyncStreamsClient` calls `observe` on the libcurl loop's thread (or the task awaiting a request) just before the
/// request's answer callback, so an observation always comes before its answer.
public final class TwilioConcurrencyFeed: TwilioConcurrencySource {
    /// The header's name (looked up case-insensitively).
    public static let headerName = "Twilio-Concurrent-Requests"

    private let handler = Mutex<(@Sendable (TwilioConcurrencyObservation) -> Void)?>(nil)

    /// A feed nobody listens to yet.
    public init() {}

    public func subscribe(_ handler: @escaping @Sendable (TwilioConcurrencyObservation) -> Void) {
        self.handler.withLock { $0 = handler }
    }

    /// Hands `response`'s observation, if it carries one, to the subscriber.
    func observe(_ response: HTTPClientResponse, teachesLimit: Bool = true) {
        guard let observation = Self.observation(in: response, teachesLimit: teachesLimit),
            let handler = handler.withLock({ $0 })
        else { return }
        handler(observation)
    }

    /// The observation `response` carries: its header's value, and whether it was accepted (2xx) or refused for the
    /// account's concurrency (429 with code 20429, on a request that `teachesLimit`: a creation's 20429 is the
    /// account's creation rate, read as `other`); nil without a usable header.
    public static func observation(in response: HTTPClientResponse, teachesLimit: Bool = true)
        -> TwilioConcurrencyObservation?
    {
        guard let concurrentRequests = parse(response.header(headerName)) else { return nil }
        let answer: TwilioConcurrencyObservation.Answer
        if (200..<300).contains(response.status) {
            answer = .accepted
        } else if teachesLimit, response.status == 429,
            TwilioErrorBody.decode(response.body)?.code == TwilioErrorCode.accountRateLimited
        {
            answer = .refusedForConcurrency
        } else {
            answer = .other
        }
        return TwilioConcurrencyObservation(concurrentRequests: concurrentRequests, answer: answer)
    }

    /// The header's value: decimal digits (blanks around them allowed), at most 9 of them; anything else is junk
    /// and gives nil.
    public static func parse(_ value: String?) -> Int? {
        guard let value else { return nil }
        let bytes = Array(value.utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return nil }
        let digits = bytes[first...last]
        guard digits.count <= 9, digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }
}
