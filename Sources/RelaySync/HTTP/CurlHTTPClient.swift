/// An asynchronous HTTP client on libcurl's multi interface.
///
/// One dedicated thread drives all transfers (see `CurlMultiLoop`), so thousands of concurrent requests share a few
/// kept-alive connections (HTTP/2 multiplexed when a TLS server offers it) without blocking Swift's cooperative
/// pool. Each `execute` suspends on a continuation that the loop thread resumes; cancelling the calling task removes
/// the transfer. Call `shutdown()` when done; dropping the last reference also stops the loop.
public final class CurlHTTPClient: Sendable {
    private let loop: CurlMultiLoop

    /// The client's settings.
    public let configuration: HTTPClientConfiguration

    /// Creates a client and starts its loop thread.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(SyncError) {
        self.configuration = configuration
        loop = try CurlMultiLoop(configuration: configuration)
    }

    /// Performs a request. Any HTTP status is a response; only transport failures, timeouts, cancellation and
    /// shutdown throw.
    public func execute(_ request: HTTPClientRequest) async throws(SyncError) -> HTTPClientResponse {
        let loop = self.loop
        let id = loop.reserveID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPClientResponse, SyncError>, Never>) in
                loop.submit(.init(id: id, request: request, completion: { continuation.resume(returning: $0) }))
                // The cancellation handler may have run before the submission existed; cancel again to be sure.
                if Task.isCancelled { loop.cancel(id: id) }
            }
        } onCancel: {
            loop.cancel(id: id)
        }
        return try result.get()
    }

    /// Performs a request and calls `completion` once with the answer, on the loop's thread (or at once on the
    /// calling thread when the client is shut down). No task is involved: this is the relay's publishing path,
    /// where the answer goes straight to the engine. `completion` must be short: every transfer shares the thread.
    public func execute(_ request: HTTPClientRequest, completion: @escaping HTTPCompletion) {
        loop.submit(.init(id: loop.reserveID(), request: request, completion: completion))
    }

    /// Stops the loop thread after failing every queued or running request, and waits until it has ended.
    public func shutdown() async {
        loop.shutdown()
        await loop.waitUntilFinished()
    }

    deinit { loop.shutdown() }
}

/// Where a callback-style request's answer goes: a response (any status), or the transport failure.
public typealias HTTPCompletion = @Sendable (Result<HTTPClientResponse, SyncError>) -> Void
