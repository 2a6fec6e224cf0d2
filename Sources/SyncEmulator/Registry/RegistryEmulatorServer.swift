import Hummingbird
import Logging
import RelayCore
import ServiceLifecycle

/// Serves a `RegistryEmulator` over HTTP (the registry API at `/`, its control API under `/_registry`).
public struct RegistryEmulatorServer: Sendable {
    public let registry: RegistryEmulator
    public let host: String
    public let port: Int
    private let logger: Logger

    public init(registry: RegistryEmulator, host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil) {
        self.registry = registry
        self.host = host
        self.port = port
        var fallback = Logger(label: "registry-emulator")
        fallback.logLevel = .warning
        self.logger = logger ?? fallback
    }

    /// Listens and serves until cancelled or, with `handlesTerminationSignals`, SIGTERM or SIGINT.
    public func run(
        handlesTerminationSignals: Bool = false, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var configuration = serviceGroupConfiguration(onListening: onListening)
        if handlesTerminationSignals { configuration.gracefulShutdownSignals = [.sigterm, .sigint] }
        try await ServiceGroup(configuration: configuration).run()
    }

    /// Runs the registry in-process while `body` runs with its base URL, then shuts it down.
    public func withRunning<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws
        -> Result
    {
        try await EmulatorHTTP.withRunning(host: host, port: port, configuration: serviceGroupConfiguration) { port in
            try await body("http://\(host):\(port)")
        }
    }

    private func serviceGroupConfiguration(onListening: @escaping @Sendable (Int) async -> Void)
        -> ServiceGroupConfiguration
    {
        let registry = registry
        return EmulatorHTTP.serviceGroupConfiguration(host: host, port: port, logger: logger, onListening: onListening)
        {
            request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let answer = registry.handle(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                body: Array(buffer: body),
                authorization: request.headers[.authorization])
            var headers = HTTPFields()
            headers[.contentType] = "application/vnd.schemaregistry.v1+json"
            return Response(
                status: .init(code: answer.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body.compactBytes)))
        }
    }
}
