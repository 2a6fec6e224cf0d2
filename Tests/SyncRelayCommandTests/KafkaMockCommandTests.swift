import Foundation
import Logging
import RelayKafka
import RelayTimers
import Testing

@Suite("sync-relay kafka-mock", .timeLimit(.minutes(1)))
struct KafkaMockCommandTests {
    @Test func printsABootstrapAddressThatTakesRecordsAndStopsOnSigterm() async throws {
        let child = try CommandRunner.start(["kafka-mock", "--brokers", "2", "--topic", "orders:3"])
        var bootstrap = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while bootstrap.isEmpty, ContinuousClock.now < deadline {
            bootstrap =
                ((try? String(contentsOf: child.outputURL, encoding: .utf8)) ?? "").split(separator: "\n").first.map(
                    String.init) ?? ""
            if bootstrap.isEmpty { try await Timers.sleep(for: .milliseconds(20)) }
        }
        #expect(bootstrap.split(separator: ",").count == 2, "bootstrap: \(bootstrap)")
        let producer = try KafkaProducer(
            brokers: [bootstrap], logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        let delivery = try await producer.send(topic: "orders", partition: 2, key: nil, value: Array("hello".utf8))
        #expect(delivery.partition == 2)
        await producer.close()
        kill(child.process.processIdentifier, SIGTERM)
        #expect(await child.exit().status == 0)
    }

    @Test func rejectsABadTopicSpecification() async throws {
        let output = try await CommandRunner.run(["kafka-mock", "--topic", "orders:zero"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("NAME:PARTITIONS"))
    }
}
