import Hummingbird
import Logging
import Prometheus
import RelayCore
import ServiceLifecycle

/// The relay's operating endpoints over HTTP (Hummingbird), as a swift-service-lifecycle `Service`:
///
/// - `GET /metrics`: every collector in the registry, in Prometheus text format;
/// - `GET /healthz`: 200 `ok` while the process runs;
/// - `GET /readyz`: 200 `{"ready":true}`, or 503 `{"ready":false,"problems":{"kafka":"...","twilio":"..."}}` from
///   the `HealthState`.
///
/// `run()` is the server's whole life: it listens on `address` (port 0 picks a free port, reported to
/// `onListening`), serves until graceful shutdown of its service group (or cancellation), lets open requests finish,
/// and returns. The caller owns the registry and the health state; the server only reads them.
public struct MetricsServer: Service {
    /// Where the endpoint listens unless configured: loopback only, Prometheus's customary exporter port.
    public static let defaultAddress = HostPort("127.0.0.1:9464")!

    /// The address to listen on; port 0 picks a free port.
    public let address: HostPort
    /// The metrics served on `/metrics`.
    public let registry: PrometheusCollectorRegistry
    /// The readiness served on `/readyz`.
    public let health: HealthState
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// Creates the server (nothing listens until `run`). `onListening` receives the bound port once the server
    /// accepts connections, which is how tests and the demo find an ephemeral port.
    public init(
        address: HostPort = MetricsServer.defaultAddress,
        registry: PrometheusCollectorRegistry,
        health: HealthState,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.address = address
        self.registry = registry
        self.health = health
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let endpoints = MetricsEndpoints(registry: registry, health: health)
        let logger = self.logger
        let address = self.address
        let onListening = self.onListening
        let application = Application(
            router: endpoints.makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info(
                    "metrics.listening",
                    metadata: [
                        LogKey.metricsAddress: .stringConvertible(address.host),
                        LogKey.metricsPort: .stringConvertible(port),
                    ])
                await onListening(port)
            },
            logger: logger
        )
        try await application.run()
    }
}
