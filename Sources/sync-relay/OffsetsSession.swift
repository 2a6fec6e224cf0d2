import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayKafka

/// What both `offsets` commands do first: load the configuration (exit 78 when it is broken, as `run` does),
/// connect a `KafkaGroupAdmin` with the configuration's brokers, group and security properties, and resolve the
/// partitions the command works on. Problems become one line on standard error and an exit status
/// (`OffsetsExit`).
struct OffsetsSession {
    /// The client for the configuration's group.
    let admin: KafkaGroupAdmin
    /// The partitions the command works on, in topic and partition order.
    let partitions: [TopicPartition]

    init(_ options: OffsetsOptions) async throws {
        let path = options.config ?? ""
        let configuration: RelayConfiguration
        do {
            configuration = try ConfigurationLoader(
                environment: ProcessInfo.processInfo.environment, hostName: HostName.current
            ).load(path: path)
        } catch {
            for line in error.lines { StandardError.write(line) }
            throw ExitCode(ConfigurationError.exitStatus)
        }
        // librdkafka's own log stays quiet: every failure the tool meets comes back as a result and is printed once.
        let logger = Logger(label: "sync-relay.offsets") { _ in SwiftLogNoOpLogHandler() }
        let admin: KafkaGroupAdmin
        do {
            admin = try KafkaGroupAdmin(
                settings: KafkaConsumerSettings(configuration.kafka),
                timeout: .milliseconds(Int64(options.timeout * 1000)), logger: logger)
        } catch {
            throw OffsetsExit.fail(OffsetsToolError(.unavailable, "could not create the Kafka client: \(error.reason)"))
        }
        let cluster = try await OffsetsExit.kafka { () async throws(KafkaError) in
            try await admin.topicPartitionCounts()
        }
        do {
            partitions = try PartitionSelection.select(
                selectors: configuration.kafka.topics, cluster: cluster, topic: options.topic,
                partition: options.partition)
        } catch {
            throw OffsetsExit.fail(error)
        }
        self.admin = admin
    }
}

/// How `offsets` problems end the process: a line on standard error and a sysexits status. Bad input 64 (as the
/// argument parser's own usage errors), Kafka unreachable or failing 69, a refused reset 75 (try again once the
/// relays are stopped), a broken configuration 78 (as `run` and `check`), partitions that failed to commit 1.
enum OffsetsExit {
    /// The exit status for `code`.
    static func status(_ code: OffsetsToolError.Code) -> Int32 {
        switch code {
        case .badInput: 64
        case .unavailable: 69
        case .groupActive: 75
        default: 1
        }
    }

    /// Writes `error` and returns the exit to throw.
    static func fail(_ error: OffsetsToolError) -> ExitCode {
        StandardError.write("sync-relay offsets: \(error.reason)")
        return ExitCode(status(error.code))
    }

    /// Runs a request to Kafka; a failure is written and becomes exit 69.
    static func kafka<Value>(_ body: () async throws(KafkaError) -> Value) async throws(ExitCode) -> Value {
        do {
            return try await body()
        } catch {
            throw fail(OffsetsToolError(.unavailable, error.reason))
        }
    }
}
