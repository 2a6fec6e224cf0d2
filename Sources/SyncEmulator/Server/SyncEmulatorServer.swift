import Hummingbird
import Logging
import ServiceLifecycle

/// Serves a `SyncEmulator` over HTTP with Hummingbird: the Sync API under `/v1` and the control API under
/// `/_emulator`.
///
/// `run` is the server's whole life; `withRunning` runs it in-process (on an ephemeral port by default) for tests
/// and the demo, and shuts it down gracefully afterwards.
public struct SyncEmulatorServer: Sendable {
    /// The state and rules served.
    public let emulator: SyncEmulator
    /// The address to listen on.
    public let host: String
    /// The port to listen on; 0 picks a free one (reported through `onListening`).
    public let port: Int
    private let logger: Logger

    /// Creates a server (nothing listens until `run`).
    public init(emulator: SyncEmulator, host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil) {
        self.emulator = emulator
        self.host = host
        self.port = port
        var fallback = Logger(label: SyncEmulatorInfo.name)
        fallback.logLevel = .warning
        self.logger = logger ?? fallback
    }

    /// Listens and serves until the calling task is cancelled or, with `handlesTerminationSignals`, until SIGTERM or
    /// SIGINT, then shuts down gracefully (at most 2 s for open requests and live feeds). `onListening` receives the
    /// bound port.
    public func run(
        handlesTerminationSignals: Bool = false,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var configuration = serviceGroupConfiguration(onListening: onListening)
        if handlesTerminationSignals { configuration.gracefulShutdownSignals = [.sigterm, .sigint] }
        try await ServiceGroup(configuration: configuration).run()
    }

    private func serviceGroupConfiguration(onListening: @escaping @Sendable (Int) async -> Void)
        -> ServiceGroupConfiguration
    {
        let responder = EmulatorResponder(emulator: emulator)
        return EmulatorHTTP.serviceGroupConfiguration(host: host, port: port, logger: logger, onListening: onListening)
        {
            request, context in try await responder.respond(to: request, context: context)
        }
    }

    /// Runs the server in-process while `body` runs, then shuts it down gracefully.
    public func withRunning<Result: Sendable>(
        _ body: @Sendable (RunningSyncEmulator) async throws -> Result
    ) async throws -> Result {
        try await EmulatorHTTP.withRunning(host: host, port: port, configuration: serviceGroupConfiguration) { port in
            try await body(RunningSyncEmulator(emulator: emulator, host: host, port: port))
        }
    }

    /// Runs an emulator on an ephemeral loopback port while `body` runs.
    public static func withRunning<Result: Sendable>(
        _ emulator: SyncEmulator = SyncEmulator(),
        _ body: @Sendable (RunningSyncEmulator) async throws -> Result
    ) async throws -> Result {
        try await SyncEmulatorServer(emulator: emulator).withRunning(body)
    }
}

/// A running emulator: where it listens and its state.
public struct RunningSyncEmulator: Sendable {
    /// The state and control functions.
    public let emulator: SyncEmulator
    /// The address it listens on.
    public let host: String
    /// The bound port.
    public let port: Int

    /// `http://HOST:PORT`, the base URL for `SyncStreamsClient`.
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}

/// The emulator server could not start.
public struct SyncEmulatorServerError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}
