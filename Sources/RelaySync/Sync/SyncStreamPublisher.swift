import RelayCore

/// The engine's `StreamPublisher` port over the Sync Streams client's requests: each answer arrives on the HTTP
/// client's loop thread, with no task in between.
public struct SyncStreamPublisher: StreamPublisher {
    private let client: SyncStreamsClient

    /// A publisher sending through `client`.
    public init(client: SyncStreamsClient) {
        self.client = client
    }

    /// Publishes `request.data`, the packer's exact JSON bytes. A 2xx body (the message echoed back, up to 4 KiB of
    /// JSON) is not parsed: decoding and re-encoding it cost about two thirds of the relay's CPU under backlog
    /// (docs/performance.md, finding 4).
    public func publish(_ request: PublishRequest, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        guard request.data.count <= SyncMessageData.maximumByteCount else {
            return answer(.tooLarge(twilioCode: nil))  // the packer never builds one: refuse it here, loudly
        }
        send(client.messageRequest(request.data, to: request.stream), teachesLimit: true, answer)
    }

    /// Creates the stream; 409/54301 answers `.alreadyExists`.
    public func createStream(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        let seconds = Int(ttl.components.seconds)
        send(client.createRequest(uniqueName: name, ttl: seconds > 0 ? seconds : nil), teachesLimit: false, answer)
    }

    public func refreshTTL(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        send(client.updateRequest(name, ttl: Int(ttl.components.seconds)), teachesLimit: false, answer)
    }

    public func probe(answer: @escaping @Sendable (PublishOutcome, String?) -> Void) {
        let client = client
        Task {
            do throws(SyncError) {
                _ = try await client.listStreamsPage(pageSize: 1)
                answer(.accepted, nil)
            } catch {
                answer(error.outcome, error.commandLineMessage(baseURL: client.baseURL))
            }
        }
    }

    /// Sends `request`; its response's concurrency teaches the account's limit only when `teachesLimit` (a stream
    /// creation's 20429 is the account's creation rate, and TTL refreshes are not under the cap).
    private func send(
        _ request: HTTPClientRequest, teachesLimit: Bool, _ answer: @escaping @Sendable (PublishOutcome) -> Void
    ) {
        let client = client
        client.http.execute(request) { result in
            if case .success(let response) = result { client.observe(response, teachesLimit: teachesLimit) }
            switch result {
            case .success(let response) where (200..<300).contains(response.status):
                answer(.accepted)
            case .success(let response):
                answer(SyncStreamsClient.error(for: response).outcome)
            case .failure(let error):
                answer(error.outcome)
            }
        }
    }
}
