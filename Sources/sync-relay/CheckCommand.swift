import ArgumentParser
import Foundation
import RelayCore
import RelayKafka

/// `sync-relay check`: validate a configuration file and print every problem, or a summary of what `run` would do.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file: exit 0 with a summary, or 78 with every problem and its JSON path."
    )

    @Option(name: .long, help: "The configuration file.")
    var config: String?

    @Flag(name: .long, help: "Print the configuration's JSON Schema (docs/config.schema.json) and exit.")
    var printSchema = false

    @Flag(name: .long, help: .hidden)
    var printReference = false

    func run() throws {
        if printSchema { return print(ConfigurationJSONSchema.document().text(indent: 2)) }
        if printReference { return print(ConfigurationReference.markdown(), terminator: "") }
        guard let config else { throw ValidationError("give the configuration file with --config FILE") }
        let loaded: RelayConfiguration
        do {
            loaded = try ConfigurationLoader(
                environment: ProcessInfo.processInfo.environment, hostName: HostName.current
            ).load(path: config)
        } catch {
            let lines = error.lines
            if case .problems(_, let problems) = error {
                StandardError.write("\(config): \(problems.count) problem\(problems.count == 1 ? "" : "s"):")
            }
            for line in lines { StandardError.write(line) }
            throw ExitCode(ConfigurationError.exitStatus)
        }
        // librdkafka's own verdict on the properties: a name it does not know, a value it refuses, a feature this
        // build lacks, properties that contradict each other, a TLS file that does not parse. Its message names the
        // property (and quotes only values of enumerated properties, never a secret).
        do {
            try KafkaConsumerSettings(loaded.kafka).validate()
        } catch {
            StandardError.write("\(config): 1 problem:")
            StandardError.write("  $.kafka.properties: \(error.reason) (librdkafka \(KafkaLibrary.version))")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        for line in ConfigurationSummary.lines(loaded, source: config) { print(line) }
        print("  kafka client: \(KafkaLibrary.summary)")
    }
}
