import RelayCore

/// The pure rule that says what Twilio's answer to one snapshot request means (`SnapshotAnswer`).
///
/// The answers a snapshot expects are read first: a create's 409 (54301, 54208) is `.exists`; an update's or a
/// read's 404 is `.missing` for the object (54100, 54201) and `.mapMissing` for an item's Map (54200); a delete's
/// 404 (any of the three) is `.deleted`; an update's or a delete's 412 (54103, 54205) is `.changed`. Everything
/// else is classified as a publish's answer is (`SyncOutcomeClassifier`): a 429 keeps its scope and `Retry-After`,
/// and so on. A 404 with another code (20404: no such service) is not taken for a missing object.
public enum SyncSnapshotAnswerClassifier {
    /// Classifies a received response to `operation`; `addressesItem` says whether the request named a Map item
    /// (only an item request can find its Map missing).
    public static func classify(
        _ response: HTTPClientResponse, to operation: SnapshotOperation, addressesItem: Bool
    ) -> SnapshotAnswer {
        if (200..<300).contains(response.status) { return success(response, to: operation) }
        let error = SyncStreamsClient.error(for: response)
        let code = error.twilioCode
        let mapMissing = addressesItem && response.status == 404 && code == TwilioErrorCode.mapNotFound
        let objectMissing = response.status == 404 && code.map(objectNotFoundCodes.contains) == true
        switch operation {
        case .create, .createMap:
            if response.status == 409 { return .exists }
            if mapMissing { return .mapMissing }
        case .update:
            if response.status == 412 { return .changed }
            if mapMissing { return .mapMissing }
            if objectMissing { return .missing }
        case .read:
            if mapMissing { return .mapMissing }
            if objectMissing { return .missing }
        case .delete:
            if response.status == 412 { return .changed }
            if mapMissing || objectMissing { return .deleted }  // a Map gone takes its items with it
        }
        return .failed(error.outcome)
    }

    /// The codes of a 404 that mean "no such Document" or "no such Map item".
    private static let objectNotFoundCodes: Set<Int> = [
        TwilioErrorCode.documentNotFound, TwilioErrorCode.mapItemNotFound,
    ]

    /// A 2xx answer: a delete's carries nothing; the others carry the object, whose revision (and, for a read, whose
    /// `data`'s version) is read from the body.
    private static func success(_ response: HTTPClientResponse, to operation: SnapshotOperation) -> SnapshotAnswer {
        if case .delete = operation { return .deleted }
        let body = try? JSONParser.parse(response.body)
        guard let revision = revision(of: body, response) else {
            return undecodable(response, "a Sync object without a revision")
        }
        guard case .read = operation else { return .stored(revision: revision) }
        guard let data = body?["data"] else { return undecodable(response, "a Sync object without data") }
        return .current(revision: revision, version: SnapshotVersion(data: data))
    }

    /// The body's `revision`, else the `ETag` header (unquoted: Twilio's `If-Match` takes the bare revision).
    private static func revision(of body: JSONValue?, _ response: HTTPClientResponse) -> String? {
        if case .string(let revision)? = body?["revision"] { return revision }
        guard var eTag = response.header("etag"), !eTag.isEmpty else { return nil }
        if eTag.count >= 2, eTag.hasPrefix("\""), eTag.hasSuffix("\"") { eTag = String(eTag.dropFirst().dropLast()) }
        return eTag.isEmpty ? nil : eTag
    }

    /// A 2xx answer the relay cannot use: classified as a decoding error is (retried like a transport error).
    private static func undecodable(_ response: HTTPClientResponse, _ what: String) -> SnapshotAnswer {
        .failed(SyncError(code: .decoding, reason: "unexpected answer: \(what)", status: response.status).outcome)
    }
}
