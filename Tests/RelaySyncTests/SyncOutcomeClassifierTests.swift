import RelayCore
import RelaySync
import Testing

@Suite("Sync outcome classifier")
struct SyncOutcomeClassifierTests {
    @Test(arguments: [
        (201, nil as Int?, nil as String?, PublishOutcome.accepted),
        (204, nil, nil, .accepted),
        (404, 20404, nil, .notFound(twilioCode: 20404)),
        (404, 54250, nil, .notFound(twilioCode: 54250)),
        (404, 54300, nil, .notFound(twilioCode: 54300)),
        (404, nil, nil, .notFound(twilioCode: nil)),
        (409, 54301, nil, .alreadyExists),
        (409, nil, nil, .alreadyExists),
        (400, 54301, nil, .alreadyExists),
        (429, 54009, nil, .rateLimited(scope: .stream, retryAfter: nil)),
        (429, 54009, "3", .rateLimited(scope: .stream, retryAfter: .seconds(3))),
        (429, 20429, "1.5", .rateLimited(scope: .account, retryAfter: .milliseconds(1500))),
        (429, nil, "Wed, 21 Oct 2015 07:28:00 GMT", .rateLimited(scope: .unspecified, retryAfter: nil)),
        (400, 54006, nil, .tooLarge(twilioCode: 54006)),
        (413, 54006, nil, .tooLarge(twilioCode: 54006)),
        (400, 54008, nil, .invalid(status: 400, twilioCode: 54008)),
        (400, 54011, nil, .invalid(status: 400, twilioCode: 54011)),
        (400, 54302, nil, .invalid(status: 400, twilioCode: 54302)),
        (400, nil, nil, .invalid(status: 400, twilioCode: nil)),
        (401, 20003, nil, .unauthorized(status: 401, twilioCode: 20003)),
        (403, nil, nil, .unauthorized(status: 403, twilioCode: nil)),
        (500, nil, nil, .serverError(status: 500, twilioCode: nil)),
        (503, 20503, nil, .serverError(status: 503, twilioCode: 20503)),
    ])
    func classifiesResponses(status: Int, code: Int?, retryAfter: String?, expected: PublishOutcome) {
        #expect(SyncOutcomeClassifier.classify(status: status, twilioCode: code, retryAfter: retryAfter) == expected)
    }

    @Test func classifiesTransportErrors() {
        #expect(SyncError(code: .timeout, reason: "t").outcome == .timeout)
        #expect(SyncError(code: .transport, reason: "refused").outcome == .transportError(reason: "refused"))
        #expect(
            SyncError(
                code: .http, reason: "x", status: 429, twilioError: TwilioErrorBody(code: 54009, message: nil),
                retryAfter: .seconds(4)
            ).outcome == .rateLimited(scope: .stream, retryAfter: .seconds(4)))
    }

    @Test func ignoresNegativeOrJunkRetryAfter() {
        #expect(SyncOutcomeClassifier.parseRetryAfter("-1") == nil)
        #expect(SyncOutcomeClassifier.parseRetryAfter("soon") == nil)
        #expect(SyncOutcomeClassifier.parseRetryAfter(" 2 ") == .seconds(2))
    }
}
