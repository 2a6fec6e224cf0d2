import Foundation
import RelayCore

/// Sync Documents: create, list, fetch, update (optionally conditional on `If-Match`) and delete, by Twilio's rules.
extension SyncEmulator {
    func createDocument(_ request: EmulatorRequest, state: inout EmulatorState, now: Date) throws(Rejection)
        -> EmulatorResponse
    {
        let name = try objectUniqueName(request) { state.objects.documentSIDByName[$0] != nil }
        let data = try objectData(request)
        let ttl = try objectTTL("Ttl", request)
        let sid = SIDGenerator.make(prefix: "ET")
        let cost = ObjectWriteCost.of(dataBytes: data?.utf8.count)
        try checkWriteBudget(cost: cost, of: sid, state: state, now: now)
        try admitCreation(state: &state, now: now)
        let document = EmulatedDocument(
            sid: sid, uniqueName: name, data: data ?? "{}", revision: ObjectRevision.first, dateCreated: now,
            dateUpdated: now, dateExpires: now.expiry(afterTTL: ttl ?? 0), ordinal: state.objects.takeOrdinal())
        state.objects.put(document)
        recordWrite(.create, cost: cost, kind: .document, sid: sid, uniqueName: name, state: &state, now: now)
        return .object(201, render(document, baseURL: request.baseURL), revision: document.revision)
    }

    func listDocuments(_ request: EmulatorRequest, state: EmulatorState) throws(Rejection) -> EmulatorResponse {
        let page = try OffsetPage(query: request.query)
        let all = state.objects.documents.values.sorted { $0.ordinal < $1.ordinal }
        return .json(
            200,
            [
                "documents": page.slice(all).map { render($0, baseURL: request.baseURL) },
                "meta": page.meta(
                    listURL: "\(serviceURL(request.baseURL))/Documents", key: "documents", total: all.count),
            ])
    }

    func fetchDocument(_ id: String, _ request: EmulatorRequest, state: EmulatorState) throws(Rejection)
        -> EmulatorResponse
    {
        let document = try existingDocument(id, state: state)
        return .object(200, render(document, baseURL: request.baseURL), revision: document.revision)
    }

    func updateDocument(_ id: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        throws(Rejection) -> EmulatorResponse
    {
        var document = try existingDocument(id, state: state)
        let data = try objectData(request)
        let ttl = try objectTTL("Ttl", request)
        try requireChange(data != nil || ttl != nil, settable: "Data and Ttl")
        try checkIfMatch(request, revision: document.revision, code: TwilioErrorCode.documentRevisionMismatch)
        let cost = ObjectWriteCost.of(dataBytes: data?.utf8.count)
        try checkWriteBudget(cost: cost, of: document.sid, state: state, now: now)
        if let data { document.data = data }
        if let ttl { document.dateExpires = now.expiry(afterTTL: ttl) }
        document.revision = ObjectRevision.after(document.revision)
        document.dateUpdated = now
        state.objects.put(document)
        recordWrite(
            .update, cost: cost, kind: .document, sid: document.sid, uniqueName: document.uniqueName, state: &state,
            now: now)
        return .object(200, render(document, baseURL: request.baseURL), revision: document.revision)
    }

    func deleteDocument(_ id: String, state: inout EmulatorState, now: Date) throws(Rejection) -> EmulatorResponse {
        let document = try existingDocument(id, state: state)
        try checkWriteBudget(cost: 1, of: document.sid, state: state, now: now)
        recordWrite(
            .delete, cost: 1, kind: .document, sid: document.sid, uniqueName: document.uniqueName, state: &state,
            now: now)
        state.objects.removeDocument(document.sid)
        return EmulatorResponse(status: 204)
    }

    /// The live Document addressed by SID or unique name (404, 54100 otherwise).
    private func existingDocument(_ id: String, state: EmulatorState) throws(Rejection) -> EmulatedDocument {
        guard let document = state.objects.document(id) else {
            throw Rejection(
                response: .twilioError(404, code: TwilioErrorCode.documentNotFound, "Document \(id) was not found"))
        }
        return document
    }
}
