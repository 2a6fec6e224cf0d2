import ArgumentParser

/// `sync-relay offsets`: see and reset the relay's consumer group without Kafka's Java tools
/// (docs/operations.md, "Offsets: show and reset").
struct OffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Show the relay's consumer group (offsets, lag, members) or reset its committed offsets.",
        subcommands: [OffsetsShowCommand.self, OffsetsResetCommand.self]
    )
}

/// Options `offsets show` and `offsets reset` share.
struct OffsetsOptions: ParsableArguments {
    @Option(
        name: .long, help: "The relay's configuration file (its kafka section: brokers, groupId, topics, security).")
    var config: String?

    @Option(name: .long, help: "Only this topic (one of the configuration's kafka.topics).")
    var topic: String?

    @Option(name: .long, help: "Only this partition.")
    var partition: Int32?

    @Option(name: [.customLong("output"), .customLong("format")], help: "Output format: table or json.")
    var output: StreamsOutputFormat = .table

    @Option(name: .long, help: "How long each request to Kafka may take, in seconds.")
    var timeout: Double = 10

    func validate() throws {
        guard config != nil else { throw ValidationError("give the configuration file with --config FILE") }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 3600")
        }
    }
}
