import ArgumentParser
import RelayCore
import RelayKafka

/// The `sync-relay` command: the service and its tools.
@main
struct SyncRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-relay",
        abstract: "Relay Kafka topics to Twilio Sync Streams.",
        version: "\(RelayVersion.current)\n\(KafkaLibrary.summary)",
        subcommands: [
            RunCommand.self, CheckCommand.self, DemoCommand.self, StreamsCommand.self, EmulatorCommand.self,
            KafkaMockCommand.self, RegistryEmulatorCommand.self, OffsetsCommand.self,
        ]
    )
}
