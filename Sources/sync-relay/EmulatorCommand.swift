import ArgumentParser
import Foundation
import SyncEmulator

/// `sync-relay emulator`: runs the local Sync API (Streams, Documents, Maps; see docs/emulator.md) until SIGINT or
/// SIGTERM.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the local Twilio Sync emulator (Streams, Documents, Maps and Map Items)."
    )

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8080"

    @Option(help: "Rate limit per stream: strict (no 31st message in any second), burst (Twilio-like) or off.")
    var rateMode: EmulatorRateMode = .strict

    @Option(help: "Messages per second per stream.")
    var rate: Int = 30

    @Option(help: "Burst allowance in burst mode (messages).")
    var burst: Int = 60

    @Option(
        help: ArgumentHelp(
            """
            Write limit per Document and per Map (a Map's item writes count against the Map): strict (no sliding \
            second over the rate), windowed (Twilio-like: no sliding window over rate x window) or off.
            """,
            discussion: """
                A write of n bytes of Data costs max(1, n/1024) units; a delete or a write without Data costs 1. \
                Reads are not limited.
                """))
    var objectLimit: EmulatorObjectLimitMode = .strict

    @Option(help: "Write units per second per Document or Map (20: 20 small writes, or 2 writes of 10 KiB).")
    var objectWritesPerSecond: Double = 20

    @Option(help: "The window in seconds in windowed mode (Twilio's burst window).")
    var objectWindow: Double = 10

    @Option(
        help: """
            Most creations of streams, Documents and Maps in any second across the service (429/20429 beyond); \
            0: no limit.
            """)
    var createsPerSecond: Int = 0

    @Option(
        help: """
            The account's limit on concurrent Sync requests (429/20429 with Retry-After: 1 beyond, as Twilio); \
            0: no limit. Every answer carries Twilio-Concurrent-Requests either way.
            """)
    var accountConcurrencyLimit: Int = 0

    @Option(
        help: """
            Requests other clients of the account have in flight at all times (counted in \
            Twilio-Concurrent-Requests and against --account-concurrency-limit).
            """)
    var phantomConcurrentRequests: Int = 0

    @Option(
        help: """
            Delay every Sync answer by this many milliseconds after handling it (requests stay in flight meanwhile); \
            the same as a fault with latency_ms and delay_answer. 0: none.
            """)
    var latencyMs: Int = 0

    @Option(help: "Most live streams (400/54303 beyond).")
    var maxStreams: Int = 100_000

    @Option(help: "Account SID to accept and report.")
    var accountSid: String = SyncEmulatorConfiguration.defaultAccountSID

    @Option(help: "Auth token to accept with the account SID.")
    var authToken: String = SyncEmulatorConfiguration.defaultAuthToken

    @Option(help: "An extra API key SID to accept (with --api-secret).")
    var apiKey: String?

    @Option(help: "The API key's secret.")
    var apiSecret: String?

    @Option(help: "Sync service SID to serve.")
    var serviceSid: String = SyncEmulatorConfiguration.defaultServiceSID

    @Option(
        help: "Clock for TTL expiry and rate windows: system, or manual (advanced with POST /_emulator/clock/advance).")
    var clock: EmulatorClockMode = .system

    func run() async throws {
        guard let address = EmulatorListenAddress(listen) else {
            SyncCommandErrorLine.print("--listen must be HOST:PORT, for example 127.0.0.1:8080 (got '\(listen)')")
            throw ExitCode.failure
        }
        guard objectWritesPerSecond > 0, objectWindow > 0 else {
            SyncCommandErrorLine.print("--object-writes-per-second and --object-window must be above 0")
            throw ExitCode.failure
        }
        if (apiKey == nil) != (apiSecret == nil) {
            SyncCommandErrorLine.print("give both --api-key and --api-secret, or neither")
            throw ExitCode.failure
        }
        var credentials = [SyncEmulatorConfiguration.Credential(username: accountSid, password: authToken)]
        if let apiKey, let apiSecret { credentials.append(.init(username: apiKey, password: apiSecret)) }
        let rateLimit: EmulatorRateLimit =
            switch rateMode {
            case .strict: .strict(perSecond: rate)
            case .burst: .burst(perSecond: rate, burst: max(burst, 1))
            case .off: .unlimited
            }
        var configuration = SyncEmulatorConfiguration(
            accountSID: accountSid, serviceSID: serviceSid, credentials: credentials, rateLimit: rateLimit,
            maxStreams: max(1, maxStreams))
        configuration.createsPerSecond = createsPerSecond > 0 ? createsPerSecond : nil
        configuration.accountConcurrencyLimit = accountConcurrencyLimit > 0 ? accountConcurrencyLimit : nil
        configuration.phantomConcurrentRequests = max(0, phantomConcurrentRequests)
        configuration.objectWriteLimit =
            switch objectLimit {
            case .strict: .strict(unitsPerSecond: objectWritesPerSecond)
            case .windowed: .windowed(unitsPerSecond: objectWritesPerSecond, windowSeconds: objectWindow)
            case .off: .unlimited
            }
        let emulator = SyncEmulator(
            configuration: configuration,
            clock: clock == .manual ? ManualEmulatorClock(start: Date()) : SystemEmulatorClock()
        )
        if latencyMs > 0 { emulator.injectFault(EmulatorFault(latencyMs: latencyMs, delaysTheAnswer: true)) }
        let server = SyncEmulatorServer(emulator: emulator, host: address.host, port: address.port)
        let host = address.host
        let serviceSID = serviceSid
        do {
            try await server.run(handlesTerminationSignals: true) { port in
                let base = host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
                let banner = """
                    Sync emulator listening on \(base)
                      API:       \(base)/v1/Services/\(serviceSID)/Streams, /Documents, /Maps
                      Live feed: \(base)/_emulator/
                      Control:   \(base)/_emulator/stats, /_emulator/faults, /_emulator/reset

                    """
                FileHandle.standardOutput.write(Data(banner.utf8))
            }
        } catch {
            SyncCommandErrorLine.print("the emulator could not listen on \(listen): \(error)")
            throw ExitCode.failure
        }
    }
}

/// `--rate-mode` values.
enum EmulatorRateMode: String, ExpressibleByArgument, CaseIterable {
    case strict, burst, off
}

/// `--object-limit` values.
enum EmulatorObjectLimitMode: String, ExpressibleByArgument, CaseIterable {
    case strict, windowed, off
}

/// `--clock` values.
enum EmulatorClockMode: String, ExpressibleByArgument, CaseIterable {
    case system, manual
}

/// A parsed `HOST:PORT` (IPv6 hosts in brackets).
struct EmulatorListenAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
