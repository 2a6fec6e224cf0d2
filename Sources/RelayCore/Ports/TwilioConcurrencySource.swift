/// Where what Twilio says of the account's concurrency comes from: the `Twilio-Concurrent-Requests` header of every
/// Sync response (RelaySync's `TwilioConcurrencyFeed`). Optional beside the `StreamPublisher` and the
/// `SnapshotWriter`, so that their fakes need nothing more.
public protocol TwilioConcurrencySource: Sendable {
    /// Calls `handler` with each response's observation, on the thread that received the response, before that
    /// response's answer callback runs (the driver relies on the order: the engine sees the observation while the
    /// request still counts as in flight). Called once, before anything is sent.
    func subscribe(_ handler: @escaping @Sendable (TwilioConcurrencyObservation) -> Void)
}
