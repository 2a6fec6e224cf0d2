extension SyncError {
    /// One line for a person at a terminal: what failed and what to check. Never contains a secret (reasons never
    /// do, and credentials are not part of any URL).
    /// - Parameters:
    ///   - stream: the stream the command addressed, if any.
    ///   - baseURL: the API's base URL, for connection failures.
    public func commandLineMessage(stream: String? = nil, baseURL: String? = nil) -> String {
        let twilio = twilioCode.map { ", Twilio error \($0)" } ?? ""
        switch code {
        case .http:
            let status = self.status ?? 0
            switch outcome {
            case .unauthorized:
                return
                    "authentication failed (HTTP \(status)\(twilio)): check the account SID and auth token, or the API key and secret"
            case .notFound:
                if let stream { return "stream '\(stream)' not found (HTTP \(status)\(twilio))" }
                return "not found (HTTP \(status)\(twilio)): check the service SID"
            case .alreadyExists:
                return "a stream with that unique name already exists (HTTP \(status)\(twilio))"
            case .rateLimited:
                return "rate limited by Twilio (HTTP \(status)\(twilio)): try again shortly"
            default:
                return "request rejected: \(reason)"
            }
        case .transport:
            return "cannot reach \(baseURL ?? "the Sync API"): \(reason)"
        case .timeout:
            return "no answer from \(baseURL ?? "the Sync API") in time: \(reason)"
        default:
            return reason
        }
    }
}
