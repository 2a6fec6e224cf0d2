import RelayCore

/// The engine's `SnapshotWriter` port over Sync Documents, Maps and Map Items: each request is one HTTP request of
/// the Sync client, and each answer arrives on the HTTP client's loop thread, with no task in between, as a
/// publish's does (`SyncStreamPublisher`). The engine decides every request; the writer only performs it and
/// classifies Twilio's answer (`SyncSnapshotAnswerClassifier`).
///
/// A Document is its `target.object` (no key); a Map item is `target.key` of Map `target.object`; the Map itself
/// (no key) is only ever created. A request that names neither shape (a Document with a key, an item operation
/// without one) is a bug by construction and is answered `.failed(.invalid(status: 0, ...))` without sending.
public struct SyncSnapshotWriter: SnapshotWriter {
    /// Twilio's limit on a Document's or Map item's `Data`: 16 KiB of its UTF-8.
    public static let maximumDataByteCount = SnapshotSettings.maximumDataBytes

    private let client: SyncStreamsClient

    /// A writer sending through `client` (the same client, connections and credentials as the publishes).
    public init(client: SyncStreamsClient) {
        self.client = client
    }

    /// Performs `request`. `Data` over `maximumDataByteCount` is refused here, without sending: the engine's
    /// oversize policy never lets one through, so it answers `.failed(.tooLarge(twilioCode: nil))`, loudly. An empty
    /// `ifMatch` sends no `If-Match` (unconditional); a Document's delete never sends one.
    public func write(_ request: SnapshotRequest, answer: @escaping @Sendable (SnapshotAnswer) -> Void) {
        switch request.operation {
        case .create(let data), .update(let data, _):
            guard data.count <= Self.maximumDataByteCount else { return answer(.failed(.tooLarge(twilioCode: nil))) }
        case .createMap, .read, .delete:
            break
        }
        guard let httpRequest = httpRequest(for: request) else {
            return answer(.failed(.invalid(status: 0, twilioCode: nil)))
        }
        let operation = request.operation
        let addressesItem = request.target.key != nil
        // Creating a Document or a Map counts against the account's creation rate, which Twilio also refuses with
        // 20429: such a refusal says nothing of concurrency. Item writes and updates do.
        let teachesLimit: Bool =
            switch operation {
            case .createMap: false
            case .create: addressesItem
            case .update, .read, .delete: true
            }
        let client = client
        client.http.execute(httpRequest) { result in
            if case .success(let response) = result { client.observe(response, teachesLimit: teachesLimit) }
            switch result {
            case .success(let response):
                answer(SyncSnapshotAnswerClassifier.classify(response, to: operation, addressesItem: addressesItem))
            case .failure(let error):
                answer(.failed(error.outcome))
            }
        }
    }

    /// The HTTP request for `request`, or nil when its target and operation do not fit together.
    private func httpRequest(for request: SnapshotRequest) -> HTTPClientRequest? {
        let name = request.target.object
        let ttl = max(0, Int(request.ttl.components.seconds))
        switch (request.target.kind, request.target.key, request.operation) {
        case (.map, nil, .createMap):
            return client.createMapRequest(name)
        case (.document, nil, .create(let data)):
            return client.createDocumentRequest(name, data: data, ttl: ttl)
        case (.document, nil, .update(let data, let ifMatch)):
            return client.updateDocumentRequest(name, data: data, ttl: ttl, ifMatch: Self.condition(ifMatch))
        case (.document, nil, .read):
            return client.fetchDocumentRequest(name)
        case (.document, nil, .delete):
            return client.deleteDocumentRequest(name)
        case (.map, let key?, .create(let data)):
            return client.createMapItemRequest(map: name, key: key, data: data, ttl: ttl)
        case (.map, let key?, .update(let data, let ifMatch)):
            return client.updateMapItemRequest(
                map: name, key: key, data: data, ttl: ttl, ifMatch: Self.condition(ifMatch))
        case (.map, let key?, .read):
            return client.fetchMapItemRequest(map: name, key: key)
        case (.map, let key?, .delete(let ifMatch)):
            return client.deleteMapItemRequest(map: name, key: key, ifMatch: Self.condition(ifMatch))
        case (.document, .some, _), (.map, nil, _), (_, _, .createMap):
            return nil
        }
    }

    /// The `If-Match` value for a revision; none for an empty one (libcurl would drop an empty header anyway).
    private static func condition(_ revision: String) -> String? {
        revision.isEmpty ? nil : revision
    }
}
