import ArgumentParser
import RelayCore

/// The `sync-relay` command: the service and its tools.
@main
struct SyncRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-relay",
        abstract: "Relay Kafka topics to Twilio Sync Streams.",
        version: RelayVersion.current,
        subcommands: [
            RunCommand.self, CheckCommand.self, DemoCommand.self, StreamsCommand.self, EmulatorCommand.self,
            KafkaMockCommand.self, RegistryEmulatorCommand.self,
        ]
    )
}
