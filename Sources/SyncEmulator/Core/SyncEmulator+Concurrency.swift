import Foundation
import RelayCore
import Synchronization

/// The account's concurrency, as Twilio counts it: every Sync API request from its arrival until its answer leaves
/// (an injected latency that delays the answer included), plus `phantomConcurrentRequests` of other clients of the
/// account. Every answer carries the count when its request arrived (`Twilio-Concurrent-Requests`); with an
/// `accountConcurrencyLimit`, a request arriving past it is refused at once with 429, code 20429 and
/// `Retry-After: 1`, counted in `stats().rejections`.
extension SyncEmulator {
    /// What the account's concurrency decided for one arriving request.
    struct ConcurrencyAdmission: Sendable {
        /// The account's requests in flight at its arrival, itself and the phantom ones included.
        var concurrentRequests: Int
        /// The refusal to answer with, when it is past the limit.
        var refusal: EmulatorResponse?
    }

    /// A Sync API request arrived: counts it in flight (until `requestLeft`) and decides whether the account's
    /// limit refuses it.
    func requestArrived() -> ConcurrencyAdmission {
        let inFlight = requestsInFlight.withLock { count in
            count += 1
            return count
        }
        let concurrent = inFlight + max(0, configuration.phantomConcurrentRequests)
        guard let limit = configuration.accountConcurrencyLimit, concurrent > limit else {
            return ConcurrencyAdmission(concurrentRequests: concurrent)
        }
        state.withLock { state in
            state.requestCount += 1
            state.rejections[TwilioErrorCode.accountRateLimited, default: 0] += 1
        }
        return ConcurrencyAdmission(
            concurrentRequests: concurrent,
            refusal: .twilioError(
                429, code: TwilioErrorCode.accountRateLimited, "Too many concurrent requests", retryAfter: 1))
    }

    /// A Sync API request's answer left (or its connection was dropped).
    func requestLeft() {
        requestsInFlight.withLock { $0 = max(0, $0 - 1) }
    }

    /// Sync API requests in flight now (phantom ones excluded).
    public var apiRequestsInFlight: Int { requestsInFlight.withLock { $0 } }
}
