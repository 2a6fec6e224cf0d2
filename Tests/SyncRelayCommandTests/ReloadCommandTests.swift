import Foundation
import Logging
import RelayKafka
import RelaySync
import RelayTestSupport
import SyncEmulator
import Testing

/// `sync-relay run` reloading its file on SIGHUP, as `systemctl reload` does, between an in-process mock cluster
/// and a strict emulator (a 31st message in any second is refused, so a pacing slip would show).
@Suite("sync-relay run reloads on SIGHUP", .timeLimit(.minutes(3)))
struct ReloadCommandTests {
    static let logger = Logger(label: "reload-tests") { _ in SwiftLogNoOpLogHandler() }

    /// The relay's file: one record per message, so the rate shows in the emulator's arrival times.
    static func document(
        cluster: KafkaMockCluster, emulator: RunningSyncEmulator, topics: [String], rate: Int,
        groupId: String = "reload-tests", brokers: String? = nil, level: String = "info"
    ) -> String {
        let settings = SyncEmulatorConfiguration()
        return """
            {
              "kafka": {"brokers": ["\(brokers ?? cluster.bootstrapServers)"], "groupId": "\(groupId)",
                        "topics": [\(topics.map { "\"\($0)\"" }.joined(separator: ","))], "startFrom": "earliest",
                        "properties": {"session.timeout.ms": "6000", "heartbeat.interval.ms": "250"},
                        "commitInterval": "100ms", "rebalanceDrainDeadline": "5s"},
              "twilio": {"accountSid": "\(settings.accountSID)", "authToken": "${TWILIO_AUTH_TOKEN}", "serviceSid": "\(settings.serviceSID)",
                         "baseURL": "\(emulator.baseURL)", "requestTimeout": "5s"},
              "defaults": {"rate": \(rate), "maxRecordsPerMessage": 1},
              "metrics": {"listen": "127.0.0.1:0"},
              "log": {"level": "\(level)", "format": "json"},
              "shutdown": {"drainDeadline": "5s"}
            }
            """
    }

    /// The port the child's metrics endpoint listens on, from its `metrics.listening` line.
    static func metricsPort(_ child: CommandRunner.Child) -> Int? {
        guard let range = child.standardOutput.range(of: #""metrics.port":"[0-9]+""#, options: .regularExpression)
        else { return nil }
        return Int(child.standardOutput[range].filter(\.isNumber))
    }

    /// How many lines of the child's log name `event`.
    static func count(_ event: String, in child: CommandRunner.Child) -> Int {
        child.standardOutput.components(separatedBy: "\"message\":\"\(event)\"").count - 1
    }

    /// The most messages the emulator accepted in any one second among `messages`.
    static func maximumInAnySecond(_ messages: [AcceptedMessage]) -> Int {
        let times = messages.map(\.arrivedAt.timeIntervalSince1970).sorted()
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= 1 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    @Test func aReloadUnderABacklogChangesTheRateAndAddsATopicLosingAndRepeatingNothing() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 1)
        try cluster.createTopic("invoices", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning { running in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).json")
            let write = { (text: String) in try text.write(to: file, atomically: true, encoding: .utf8) }
            try write(Self.document(cluster: cluster, emulator: running, topics: ["orders"], rate: 5))
            try await RelayProcessRig.produce(producer, "orders", 0..<150)
            try await RelayProcessRig.produce(producer, "invoices", 0..<40)
            let relay = try RelayProcessRig.startRelay(config: file.path)
            await eventually("the backlog flows at 5/s", timeout: .seconds(60)) {
                running.emulator.messages(stream: "orders").count >= 12
            }
            let port = try #require(Self.metricsPort(relay))
            func scrape(_ path: String) async throws -> HTTPClientResponse {
                try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
            }

            // 1. A file that does not validate changes nothing, and says so.
            try write("{ \"kafka\": ")
            kill(relay.process.processIdentifier, SIGHUP)
            await eventually("the invalid file is reported") { Self.count("relay.reload.invalid", in: relay) == 1 }
            var metrics = try PrometheusTextLines(try await scrape("/metrics").bodyText)
            #expect(metrics.value("sync_relay_config_reloads_total", ["result": "invalid"]) == 1)
            #expect(metrics.value("sync_relay_config_last_reload_success") == 0)
            #expect(try await scrape("/readyz").status == 200, "readiness stays true")

            // 2. A change that cannot be made live is refused by name, and nothing else changes.
            try write(
                Self.document(
                    cluster: cluster, emulator: running, topics: ["orders", "invoices"], rate: 30,
                    groupId: "another-group"))
            kill(relay.process.processIdentifier, SIGHUP)
            await eventually("the refusal is reported") { Self.count("relay.reload.refused", in: relay) == 1 }
            #expect(relay.standardOutput.contains("\"relay.keys\":\"kafka.groupId\""))
            // That it changed nothing shows next: had it applied, the next reload would change no topic and no rate
            // (it would report the group id, refused, instead of `kafka.topics,defaults,log.level`).

            // 3. A rate raised from 5 to 30 and a topic added, under the backlog.
            let beforeReload = running.emulator.messages(stream: "orders").count
            #expect(!relay.standardOutput.contains("\"level\":\"debug\""))
            try write(
                Self.document(
                    cluster: cluster, emulator: running, topics: ["orders", "invoices"], rate: 30, level: "debug"))
            kill(relay.process.processIdentifier, SIGHUP)
            await eventually("the reload is applied") { Self.count("relay.reload.applied", in: relay) == 1 }
            #expect(relay.standardOutput.contains("\"relay.keys\":\"kafka.topics,defaults,log.level\""))
            if let took = relay.standardOutput.range(of: #""relay.took":"[^"]+""#, options: .regularExpression) {
                print("reload applied: \(relay.standardOutput[took])")
            }
            await eventually("the new log level is in force") {
                relay.standardOutput.contains("\"level\":\"debug\"")
            }
            await eventually("the consumer subscribes to the new list") {
                Self.count("kafka.subscribed", in: relay) == 2
            }
            try await RelayProcessRig.produce(producer, "invoices", 40..<60)
            await eventually("every record of both topics arrived", timeout: .seconds(90)) {
                Set(RelayProcessRig.delivered(running.emulator, "orders")) == Set(0..<150)
                    && Set(RelayProcessRig.delivered(running.emulator, "invoices")) == Set(0..<60)
            }
            metrics = try PrometheusTextLines(try await scrape("/metrics").bodyText)
            #expect(metrics.value("sync_relay_config_reloads_total", ["result": "applied"]) == 1)
            #expect(metrics.value("sync_relay_config_last_reload_success") == 1)
            #expect(try await scrape("/readyz").status == 200)

            kill(relay.process.processIdentifier, SIGTERM)
            let output = await relay.exit()
            #expect(output.status == 0, "\(output.all.suffix(2000))")
            // Exactly once: the added topic's rebalance drained and committed what was in flight, and what was
            // only queued was consumed again and sent once.
            let orders = RelayProcessRig.delivered(running.emulator, "orders")
            #expect(orders.count == 150, "\(orders.count - 150) duplicates")
            #expect(RelayProcessRig.delivered(running.emulator, "invoices").count == 60)
            // The old rate held before the reload and the new one after it; the strict emulator refused nothing.
            let accepted = running.emulator.messages(stream: "orders")
            #expect(Self.maximumInAnySecond(Array(accepted.prefix(beforeReload))) <= 5)
            #expect(Self.maximumInAnySecond(Array(accepted.dropFirst(beforeReload + 5))) >= 20)
            #expect(running.emulator.stats().rejections.filter { $0.key != 54301 }.isEmpty)
        }
        await http.shutdown()
        await producer.close()
    }
}

/// Prometheus text, sample by sample, for the few values these tests read.
struct PrometheusTextLines {
    let lines: [String]
    init(_ text: String) throws { lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") } }

    /// The value of `name` with exactly `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in lines {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let sampleName = series.prefix { $0 != "{" }
            guard sampleName == name else { continue }
            var found: [String: String] = [:]
            if let open = series.firstIndex(of: "{") {
                for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(
                    separator: ",")
                {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            if found == labels { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }
}
