import RelayCore
import RelaySync
import Testing

@Suite("Snapshot answer classifier")
struct SyncSnapshotAnswerClassifierTests {
    private static let create = SnapshotOperation.create(data: [])
    private static let update = SnapshotOperation.update(data: [], ifMatch: "0")
    private static let delete = SnapshotOperation.delete(ifMatch: "0")

    @Test(arguments: [
        (create, 409, 54301 as Int?, false, SnapshotAnswer.exists),
        (create, 409, 54208, true, .exists),
        (create, 409, nil, false, .exists),
        (create, 404, 54200, true, .mapMissing),
        (create, 404, 20404, true, .failed(.notFound(twilioCode: 20404))),
        (.createMap, 409, 54301, false, .exists),
        (update, 412, 54103, false, .changed),
        (update, 412, 54205, true, .changed),
        (update, 404, 54100, false, .missing),
        (update, 404, 54201, true, .missing),
        (update, 404, 54200, true, .mapMissing),
        (update, 404, 20404, false, .failed(.notFound(twilioCode: 20404))),
        (.read, 404, 54100, false, .missing),
        (.read, 404, 54200, true, .mapMissing),
        (.read, 404, 54200, false, .failed(.notFound(twilioCode: 54200))),
        (.read, 404, nil, true, .failed(.notFound(twilioCode: nil))),
        (delete, 404, 54100, false, .deleted),
        (delete, 404, 54201, true, .deleted),
        (delete, 404, 54200, true, .deleted),
        (delete, 404, 20404, true, .failed(.notFound(twilioCode: 20404))),
        (delete, 412, 54205, true, .changed),
        (update, 429, 54009, true, .failed(.rateLimited(scope: .stream, retryAfter: nil))),
        (create, 400, 54006, false, .failed(.tooLarge(twilioCode: 54006))),
        (update, 400, 54008, false, .failed(.invalid(status: 400, twilioCode: 54008))),
        (.read, 401, 20003, false, .failed(.unauthorized(status: 401, twilioCode: 20003))),
        (delete, 503, nil, true, .failed(.serverError(status: 503, twilioCode: nil))),
    ])
    func classifiesErrors(
        operation: SnapshotOperation, status: Int, code: Int?, addressesItem: Bool, expected: SnapshotAnswer
    ) {
        let body = code.map { Array(#"{"code":\#($0),"message":"m","status":\#(status)}"#.utf8) } ?? []
        let response = HTTPClientResponse(status: status, body: body)
        #expect(
            SyncSnapshotAnswerClassifier.classify(response, to: operation, addressesItem: addressesItem) == expected)
    }

    @Test func keepsRetryAfter() {
        let response = HTTPClientResponse(
            status: 429, headers: ["Retry-After": "2"], body: Array(#"{"code":20429,"message":"m"}"#.utf8))
        #expect(
            SyncSnapshotAnswerClassifier.classify(response, to: Self.update, addressesItem: false)
                == .failed(.rateLimited(scope: .account, retryAfter: .seconds(2))))
    }

    @Test func readsTheRevisionFromTheBodyElseTheETag() {
        let body = Array(#"{"revision":"a1","data":{"tp":"t","p":0,"o":9}}"#.utf8)
        let both = HTTPClientResponse(status: 200, headers: ["ETag": "\"zz\""], body: body)
        #expect(
            SyncSnapshotAnswerClassifier.classify(both, to: .read, addressesItem: false)
                == .current(revision: "a1", version: SnapshotVersion(topic: "t", partition: 0, offset: 9)))
        let eTagOnly = HTTPClientResponse(status: 201, headers: ["ETag": "\"b2\""], body: Array(#"{"data":{}}"#.utf8))
        #expect(
            SyncSnapshotAnswerClassifier.classify(eTagOnly, to: Self.create, addressesItem: true)
                == .stored(revision: "b2"))
        let bare = HTTPClientResponse(status: 200, headers: ["etag": "c3"], body: Array("not JSON".utf8))
        #expect(
            SyncSnapshotAnswerClassifier.classify(bare, to: Self.update, addressesItem: true) == .stored(revision: "c3")
        )
    }

    @Test func failsAnAnswerItCannotUse() {
        let noRevision = HTTPClientResponse(status: 200, body: Array(#"{"data":{}}"#.utf8))
        guard
            case .failed(.transportError) = SyncSnapshotAnswerClassifier.classify(
                noRevision, to: Self.update, addressesItem: false)
        else {
            Issue.record("a 200 without a revision must fail")
            return
        }
        // A read needs the data too.
        let noData = HTTPClientResponse(status: 200, headers: ["ETag": "1"], body: [])
        guard
            case .failed(.transportError) = SyncSnapshotAnswerClassifier.classify(
                noData, to: .read, addressesItem: false)
        else {
            Issue.record("a read without data must fail")
            return
        }
        // A delete's 204 carries nothing.
        #expect(
            SyncSnapshotAnswerClassifier.classify(HTTPClientResponse(status: 204), to: Self.delete, addressesItem: true)
                == .deleted)
    }
}
