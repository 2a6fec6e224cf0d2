import RelayCore

extension PublishOutcome {
    /// The metric label of the HTTP status class.
    var statusClass: String {
        switch self {
        case .accepted, .alreadyExists: "2xx"
        case .notFound, .tooLarge, .invalid, .unauthorized, .rateLimited: "4xx"
        case .serverError: "5xx"
        case .transportError, .timeout: "transport"
        }
    }

    /// Twilio's error code, when the outcome carries one.
    var twilioCode: Int? {
        switch self {
        case .notFound(let code), .tooLarge(let code): code
        case .invalid(_, let code), .unauthorized(_, let code), .serverError(_, let code): code
        case .rateLimited(let scope, _):
            switch scope {
            case .stream: TwilioErrorCode.rateExceeded
            case .account: TwilioErrorCode.accountRateLimited
            case .unspecified: nil
            }
        case .accepted, .alreadyExists, .transportError, .timeout: nil
        }
    }
}
