import Logging
import ServiceLifecycle

extension MetricsServer {
    /// Runs the server in-process while `body` runs, handing `body` the bound port, then shuts it down gracefully.
    /// For tests and tools; the service itself runs in the relay's `ServiceGroup`.
    public func withRunning<Result: Sendable>(
        _ body: @Sendable (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let reporting = MetricsServer(
            address: address, registry: registry, health: health, logger: logger
        ) { port in
            portContinuation.yield(port)
            await onListening(port)
        }
        let group = ServiceGroup(services: [reporting], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.next()
                throw MetricsServerError(reason: "the metrics server stopped before listening on \(address)")
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}

/// The metrics server could not start.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}
