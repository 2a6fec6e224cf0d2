import Foundation
import RelayKafka
import RelayTestSupport
import SyncEmulator
import Testing

/// What the process-level suites share: the relay's configuration for an in-process mock cluster and emulator,
/// numbered records, and what the emulator accepted.
enum RelayProcessRig {
    /// The credential the relay reads from its environment (`${TWILIO_AUTH_TOKEN}` in the configuration).
    static let environment = ["TWILIO_AUTH_TOKEN": SyncEmulatorConfiguration.defaultAuthToken]

    /// Writes the relay's configuration file for `cluster` and `emulator`; `sessionTimeoutMs` bounds how long the
    /// group waits for a member that was killed; `instanceId` makes the relay a static member; `twilio` adds members
    /// to the `twilio` section (`, "key": value, ...`) and `defaults` is the `defaults` section, when given.
    static func configFile(
        cluster: KafkaMockCluster, emulator: RunningSyncEmulator, topics: [String], groupId: String = "run-tests",
        sessionTimeoutMs: Int = 6000, instanceId: String? = nil, twilio: String = "", defaults: String? = nil,
        routes: String? = nil
    ) throws -> String {
        try configFile(
            brokers: cluster.bootstrapServers, emulator: emulator, topics: topics, groupId: groupId,
            sessionTimeoutMs: sessionTimeoutMs, instanceId: instanceId, twilio: twilio, defaults: defaults,
            routes: routes)
    }

    /// The same for the broker at `brokers` (`host:port`); `kafka` adds members to the `kafka` section.
    static func configFile(
        brokers: String, emulator: RunningSyncEmulator, topics: [String], groupId: String = "run-tests",
        sessionTimeoutMs: Int = 6000, instanceId: String? = nil, kafka: String = "", twilio: String = "",
        defaults: String? = nil, routes: String? = nil
    ) throws -> String {
        let settings = SyncEmulatorConfiguration()
        let document = """
            {
              "kafka": {"brokers": ["\(brokers)"], "groupId": "\(groupId)",\(instanceId.map { " \"instanceId\": \"\($0)\"," } ?? "") "topics": [\(topics.map { "\"\($0)\"" }.joined(separator: ","))],
                        "startFrom": "earliest", "properties": {"session.timeout.ms": "\(sessionTimeoutMs)", "heartbeat.interval.ms": "250"},
                        "commitInterval": "100ms", "rebalanceDrainDeadline": "3s"\(kafka)},
              "twilio": {"accountSid": "\(settings.accountSID)", "authToken": "${TWILIO_AUTH_TOKEN}", "serviceSid": "\(settings.serviceSID)",
                         "baseURL": "\(emulator.baseURL)", "requestTimeout": "5s"\(twilio)},\(defaults.map { "\n  \"defaults\": \($0)," } ?? "")\(routes.map { "\n  \"routes\": \($0)," } ?? "")
              "metrics": {"listen": "127.0.0.1:0"},
              "log": {"level": "info", "format": "json"},
              "shutdown": {"drainDeadline": "5s"}
            }
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).json")
        try document.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// The numbers of every record the emulator accepted on `stream` (message format v1, batches of JSON values),
    /// in sequence order (`q`, then epoch `e` across restarts), as a subscriber restores it.
    static func delivered(_ emulator: SyncEmulator, _ stream: String) -> [Int] {
        let objects = emulator.messages(stream: stream).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any]
        }
        let ordered = objects.sorted {
            ($0["e"] as? Int ?? 0, $0["q"] as? Int ?? 0) < ($1["e"] as? Int ?? 0, $1["q"] as? Int ?? 0)
        }
        return ordered.flatMap { object -> [Int] in
            guard let entries = object["r"] as? [[String: Any]] else { return [] }
            return entries.compactMap { ($0["j"] as? [String: Any])?["n"] as? Int }
        }
    }

    /// The emulator's rejections: how many there were, not counting 54301 ("already exists", a restarted member's
    /// create: success for creation), and every code's count.
    static func rejections(_ emulator: SyncEmulator) -> (count: Int, byCode: [Int: Int]) {
        let byCode = emulator.stats().rejections
        return (byCode.filter { $0.key != 54301 }.values.reduce(0, +), byCode)
    }

    /// Starts `sync-relay run --config config` as a child process with the credential in its environment.
    static func startRelay(config: String) throws -> CommandRunner.Child {
        try CommandRunner.start(["run", "--config", config], environment: environment)
    }

    /// Starts a relay and waits until it serves metrics (it has loaded its configuration and started its services).
    static func startRelayAndWait(config: String, _ what: String) async throws -> CommandRunner.Child {
        let child = try startRelay(config: config)
        await eventually("\(what) is up", timeout: .seconds(60)) { child.standardOutput.contains("metrics.listening") }
        return child
    }

    /// What the emulator holds of records numbered `0..<produced` on each of `streams`: every accepted copy,
    /// and the numbers no accepted message carries.
    static func tally(_ emulator: SyncEmulator, streams: [String], produced: Int) -> (delivered: Int, lost: Int) {
        var delivered = 0
        var lost = 0
        for stream in streams {
            let numbers = Self.delivered(emulator, stream)
            delivered += numbers.count
            lost += Set(0..<produced).subtracting(numbers).count
        }
        return (delivered, lost)
    }

    /// Produces records `{"n": number}` keyed `k<number>` to `topic` and waits for every acknowledgement;
    /// `padding` adds a `"p"` string of that many bytes (fewer records per message, so the pacer binds sooner).
    static func produce(_ producer: KafkaProducer, _ topic: String, _ numbers: Range<Int>, padding: Int = 0)
        async throws
    {
        let pad = padding > 0 ? ",\"p\":\"\(String(repeating: "x", count: padding))\"" : ""
        try await producer.send(
            numbers.map { number in
                KafkaProducer.OutgoingRecord(
                    topic: topic, key: Array("k\(number)".utf8), value: Array("{\"n\":\(number)\(pad)}".utf8))
            })
    }
}
