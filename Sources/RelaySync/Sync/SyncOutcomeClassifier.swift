import RelayCore

/// The pure rule that says what one Sync request's result means, for retry decisions in `RelayCore`.
///
/// It sees only plain values: the HTTP status, Twilio's error code, the `Retry-After` header and the transport
/// error, so it is tested exhaustively without a network.
public enum SyncOutcomeClassifier {
    /// Classifies a received response.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - twilioCode: the `code` of Twilio's error body, if any.
    ///   - retryAfter: the `Retry-After` header's value, if any (seconds or an HTTP date; only seconds are used).
    public static func classify(status: Int, twilioCode: Int?, retryAfter: String? = nil) -> PublishOutcome {
        if (200..<300).contains(status) { return .accepted }
        if let twilioCode {
            switch twilioCode {
            case _ where TwilioErrorCode.notFoundCodes.contains(twilioCode): return .notFound(twilioCode: twilioCode)
            case TwilioErrorCode.uniqueNameExists: return .alreadyExists
            case TwilioErrorCode.rateExceeded:
                return .rateLimited(scope: .stream, retryAfter: parseRetryAfter(retryAfter))
            case TwilioErrorCode.accountRateLimited:
                return .rateLimited(scope: .account, retryAfter: parseRetryAfter(retryAfter))
            case TwilioErrorCode.dataTooLarge: return .tooLarge(twilioCode: twilioCode)
            case TwilioErrorCode.authenticationFailed: return .unauthorized(status: status, twilioCode: twilioCode)
            default: break
            }
        }
        switch status {
        case 401, 403: return .unauthorized(status: status, twilioCode: twilioCode)
        case 404: return .notFound(twilioCode: twilioCode)
        case 409: return .alreadyExists
        case 413: return .tooLarge(twilioCode: twilioCode)
        case 429: return .rateLimited(scope: .unspecified, retryAfter: parseRetryAfter(retryAfter))
        case 408: return .timeout
        case 500..<600: return .serverError(status: status, twilioCode: twilioCode)
        default: return .invalid(status: status, twilioCode: twilioCode)
        }
    }

    /// Classifies an error thrown by the Sync client or the HTTP client.
    public static func classify(_ error: SyncError) -> PublishOutcome {
        switch error.code {
        case .http:
            let status = error.status ?? 0
            let retryAfter = error.retryAfter.map { "\($0.components.seconds)" }
            return classify(status: status, twilioCode: error.twilioCode, retryAfter: retryAfter)
        case .timeout: return .timeout
        case .messageTooLarge: return .tooLarge(twilioCode: nil)
        case .invalidRequest: return .invalid(status: 0, twilioCode: nil)
        case .credentials: return .unauthorized(status: 0, twilioCode: nil)
        default: return .transportError(reason: error.reason)
        }
    }

    /// Parses `Retry-After` given in seconds (the form Twilio uses); dates and junk give `nil`.
    public static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0,
            seconds.isFinite
        else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

extension SyncError {
    /// What this error means for retry decisions (see `SyncOutcomeClassifier`).
    public var outcome: PublishOutcome { SyncOutcomeClassifier.classify(self) }
}
