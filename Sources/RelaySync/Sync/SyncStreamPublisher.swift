import RelayCore

/// The engine's `StreamPublisher` port over the Sync Streams client: each answer arrives on the HTTP client's loop
/// thread, with no task in between.
public struct SyncStreamPublisher: StreamPublisher {
    private let client: SyncStreamsClient

    /// A publisher sending through `client`.
    public init(client: SyncStreamsClient) {
        self.client = client
    }

    public func publish(_ request: PublishRequest, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        client.publish(data: request.data, to: request.stream, answer: answer)
    }

    public func createStream(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        let seconds = Int(ttl.components.seconds)
        client.createStream(uniqueName: name, ttl: seconds > 0 ? seconds : nil, answer: answer)
    }

    public func refreshTTL(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        client.updateStream(name, ttl: Int(ttl.components.seconds), answer: answer)
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
}
