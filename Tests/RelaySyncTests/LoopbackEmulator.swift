import Foundation
import RelaySync
import SyncEmulator

/// Runs a Sync emulator on an ephemeral loopback port with a client wired to it.
struct LoopbackEmulator: Sendable {
    let running: RunningSyncEmulator
    let http: CurlHTTPClient
    let clock: ManualEmulatorClock?

    var emulator: SyncEmulator { running.emulator }

    /// A Sync client with the emulator's default credentials (or `credentials`).
    func client(credentials: TwilioCredentials? = nil, timeout: Duration? = nil) -> SyncStreamsClient {
        SyncStreamsClient(
            http: http,
            credentials: credentials
                ?? .authToken(
                    accountSID: SyncEmulatorConfiguration.defaultAccountSID,
                    authToken: SyncEmulatorConfiguration.defaultAuthToken),
            serviceSID: SyncEmulatorConfiguration.defaultServiceSID,
            baseURL: running.baseURL,
            requestTimeout: timeout
        )
    }

    /// Starts an emulator and an HTTP client, runs `body`, then stops both.
    static func with<Result: Sendable>(
        rateLimit: EmulatorRateLimit = .strict(),
        manualClock: Bool = false,
        createsPerSecond: Int? = nil,
        http configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        _ body: @Sendable (LoopbackEmulator) async throws -> Result
    ) async throws -> Result {
        let clock = manualClock ? ManualEmulatorClock() : nil
        var emulatorConfiguration = SyncEmulatorConfiguration(rateLimit: rateLimit)
        emulatorConfiguration.createsPerSecond = createsPerSecond
        let emulator = SyncEmulator(
            configuration: emulatorConfiguration,
            clock: clock ?? SystemEmulatorClock() as any EmulatorClock)
        let http = try CurlHTTPClient(configuration: configuration)
        do {
            let result = try await SyncEmulatorServer.withRunning(emulator) { running in
                try await body(LoopbackEmulator(running: running, http: http, clock: clock))
            }
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}

/// Expects `body` to throw a `SyncError` and returns it.
func syncError(_ body: () async throws -> Void) async -> SyncError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? SyncError
    }
}
