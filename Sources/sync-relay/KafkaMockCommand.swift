import ArgumentParser
import Foundation
import RelayKafka

/// `sync-relay kafka-mock`: a standalone in-process Kafka cluster (librdkafka's mock) for trying the relay locally.
struct KafkaMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run librdkafka's mock Kafka cluster on loopback and print its bootstrap address.",
        discussion: "Data lives in memory and is gone when the command stops (Ctrl-C)."
    )

    @Option(name: .long, help: "Number of brokers.")
    var brokers = 1

    @Option(name: .long, help: "A topic to create, as NAME or NAME:PARTITIONS (repeatable).")
    var topic: [String] = []

    func validate() throws {
        guard (1...16).contains(brokers) else { throw ValidationError("--brokers must be from 1 to 16") }
        for spec in topic {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || Int(parts[1]).map({ $0 > 0 }) == true else {
                throw ValidationError("--topic \(spec): write NAME or NAME:PARTITIONS with a positive partition count")
            }
        }
    }

    func run() async throws {
        let cluster: KafkaMockCluster
        do {
            cluster = try KafkaMockCluster(brokers: brokers)
            for spec in topic {
                let parts = spec.split(separator: ":")
                try cluster.createTopic(String(parts[0]), partitions: parts.count == 2 ? Int(parts[1])! : 1)
            }
        } catch {
            StandardError.write("kafka-mock: \(error)")
            throw ExitCode.failure
        }
        print(cluster.bootstrapServers)
        fflush(nil)  // flush every stdio stream: the address must reach a pipe reader now
        // Runs until interrupted; the cluster's brokers live on librdkafka's threads.
        _ = await ShutdownSignals.wait()
        withExtendedLifetime(cluster) {}
    }
}
