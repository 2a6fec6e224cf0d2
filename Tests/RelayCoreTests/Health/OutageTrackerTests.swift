import RelayCore
import Testing

@Suite struct OutageTrackerTests {
    @Test func failuresBecomeAnOutageOnlyAfterTheThresholdWithoutAnAnswer() {
        var tracker = OutageTracker(threshold: .seconds(30))
        let verdicts = [
            tracker.record(.transportError(reason: "refused"), now: .seconds(0)),
            tracker.record(.timeout, now: .seconds(10)),
            tracker.record(.serverError(status: 503, twilioCode: nil), now: .seconds(29.9)),
            tracker.record(.transportError(reason: "reset"), now: .seconds(30)),
        ]
        #expect(verdicts == [false, false, false, true])
        #expect(tracker.failingSince == .seconds(0))
        #expect(tracker.lastFailure == .transportError(reason: "reset"))
        // A success ends it; the next failure starts a new run.
        let afterSuccess = tracker.record(.accepted, now: .seconds(31))
        #expect(!afterSuccess)
        #expect(tracker.failingSince == nil)
        let newRun = tracker.record(.timeout, now: .seconds(40))
        #expect(!newRun)
        #expect(!tracker.isOutage(now: .seconds(69)))
        #expect(tracker.isOutage(now: .seconds(70)))
    }

    @Test(arguments: [
        PublishOutcome.accepted, .alreadyExists, .notFound(twilioCode: 20404),
        .rateLimited(scope: .stream, retryAfter: nil),
        .rateLimited(scope: .account, retryAfter: .seconds(1)), .invalid(status: 400, twilioCode: 54008),
        .unauthorized(status: 401, twilioCode: 20003), .tooLarge(twilioCode: 54006),
    ])
    func anyAnswerEndsARunOfFailures(_ answer: PublishOutcome) {
        var tracker = OutageTracker(threshold: .seconds(5))
        let first = tracker.record(.timeout, now: .seconds(0))
        let later = tracker.record(.timeout, now: .seconds(6))
        let answered = tracker.record(answer, now: .seconds(7))
        #expect([first, later, answered] == [false, true, false])
        #expect(!tracker.isOutage(now: .seconds(100)))
    }
}
