import ArgumentParser
import Foundation
import SyncEmulator

/// `sync-relay registry-emulator`: runs the local Schema Registry (see docs/emulator.md) until SIGINT or SIGTERM.
struct RegistryEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry-emulator",
        abstract: "Run the local Confluent-compatible Schema Registry emulator."
    )

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8081"

    @Option(help: "Demand basic auth with this user (with --password).")
    var username: String?

    @Option(help: "The basic auth password.")
    var password: String?

    func run() async throws {
        guard let address = EmulatorListenAddress(listen) else {
            SyncCommandErrorLine.print("--listen must be HOST:PORT, for example 127.0.0.1:8081 (got '\(listen)')")
            throw ExitCode.failure
        }
        if (username == nil) != (password == nil) {
            SyncCommandErrorLine.print("give both --username and --password, or neither")
            throw ExitCode.failure
        }
        let credentials = username.flatMap { user in password.map { (user, $0) } }
        let server = RegistryEmulatorServer(
            registry: RegistryEmulator(credentials: credentials), host: address.host, port: address.port)
        let host = address.host
        do {
            try await server.run(handlesTerminationSignals: true) { port in
                let base = host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
                let banner = """
                    Schema Registry emulator listening on \(base)
                      API:     \(base)/schemas/ids/{id}, \(base)/subjects/{subject}/versions
                      Control: \(base)/_registry/stats, POST \(base)/_registry/faults {"mode": "unavailable"}

                    """
                FileHandle.standardOutput.write(Data(banner.utf8))
            }
        } catch {
            SyncCommandErrorLine.print("the registry emulator could not listen on \(listen): \(error)")
            throw ExitCode.failure
        }
    }
}
