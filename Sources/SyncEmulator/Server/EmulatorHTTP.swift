import Hummingbird
import Logging
import ServiceLifecycle

/// Serving an emulator (Sync, Schema Registry) with Hummingbird: one responder, a graceful shutdown of at most 2 s,
/// and running in-process on an ephemeral port for tests and the demo.
enum EmulatorHTTP {
    typealias Respond = @Sendable (Request, BasicRequestContext) async throws -> Response

    /// A service group serving `respond` on `host:port`; `onListening` receives the bound port.
    static func serviceGroupConfiguration(
        host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void,
        respond: @escaping Respond
    ) -> ServiceGroupConfiguration {
        let app = Application(
            responder: CallbackResponder<BasicRequestContext>(callback: respond),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        var configuration = ServiceGroupConfiguration(services: [app], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(2)
        return configuration
    }

    /// Runs the service group `configuration` makes while `body` runs with the bound port, then shuts it down.
    static func withRunning<Result: Sendable>(
        host: String, port: Int,
        configuration: (@escaping @Sendable (Int) async -> Void) -> ServiceGroupConfiguration,
        _ body: @Sendable (Int) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let serviceGroup = ServiceGroup(configuration: configuration { port in portContinuation.yield(port) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await serviceGroup.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw SyncEmulatorServerError(reason: "the emulator stopped before listening on \(host):\(port)")
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
