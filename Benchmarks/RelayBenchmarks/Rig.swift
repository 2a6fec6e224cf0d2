import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayRuntime
import RelayTimers
import ServiceLifecycle
import SyncEmulator
import Synchronization

/// The benchmark's logger: silent (the figures are the output).
let quiet = Logger(label: "relay-bench") { _ in SwiftLogNoOpLogHandler() }

/// A whole relay on loopback, as the end-to-end tests build it: librdkafka's mock cluster, the Sync emulator over
/// HTTP, and `RelayApplication` built from a real configuration document, run in a `ServiceGroup`.
struct Rig: Sendable {
    let cluster: KafkaMockCluster
    let emulator: RunningSyncEmulator
    let producer: KafkaProducer
    let counts: PublishCounter

    /// Runs `body` with a cluster holding `topics` (name, partitions) and a running emulator.
    static func with<Result: Sendable>(
        topics: [(String, Int)], rateLimit: EmulatorRateLimit, _ body: @Sendable (Rig) async throws -> Result
    ) async throws -> Result {
        let cluster = try KafkaMockCluster(brokers: 1)
        for (topic, partitions) in topics { try cluster.createTopic(topic, partitions: partitions) }
        // linger.ms 0: a record leaves for the broker at once (the latency figure starts at the produce call).
        let producer = try KafkaProducer(
            brokers: [cluster.bootstrapServers], properties: [("linger.ms", "0")], logger: quiet)
        let emulator = SyncEmulator(configuration: SyncEmulatorConfiguration(rateLimit: rateLimit))
        let result = try await SyncEmulatorServer(emulator: emulator, port: 0).withRunning { running in
            try await body(Rig(cluster: cluster, emulator: running, producer: producer, counts: PublishCounter()))
        }
        await producer.close()
        return result
    }

    /// The relay's configuration: `defaults` as given, everything else pointing at the rig. `fetchWaitMs` is
    /// librdkafka's `fetch.wait.max.ms`: the mock broker holds a fetch that finds no data for that long, even when a
    /// record arrives meanwhile, so it bounds the latency figure (a real broker answers as soon as data arrives).
    func configuration(topics: [String], defaults: [JSONMember] = [], fetchWaitMs: Int = 20) throws
        -> RelayConfiguration
    {
        let document = JSONValue.object([
            JSONMember(
                "kafka",
                .object([
                    JSONMember("brokers", .array([.string(cluster.bootstrapServers)])),
                    JSONMember("groupId", "relay-bench"),
                    JSONMember("topics", .array(topics.map(JSONValue.string))),
                    JSONMember(
                        "properties",
                        .object([
                            JSONMember("session.timeout.ms", "6000"),
                            JSONMember("heartbeat.interval.ms", "250"),
                            JSONMember("fetch.wait.max.ms", .string("\(fetchWaitMs)")),
                        ])),
                    JSONMember("commitInterval", "100ms"),
                    JSONMember("statisticsInterval", "1s"),
                ])),
            JSONMember(
                "twilio",
                .object([
                    JSONMember("accountSid", .string(SyncEmulatorConfiguration.defaultAccountSID)),
                    JSONMember("authToken", .string(SyncEmulatorConfiguration.defaultAuthToken)),
                    JSONMember("serviceSid", .string(SyncEmulatorConfiguration.defaultServiceSID)),
                    JSONMember("baseURL", .string(emulator.baseURL)),
                    JSONMember("connectTimeout", "1s"),
                    JSONMember("requestTimeout", "5s"),
                    // The emulator speaks HTTP/1.1 only (one request per connection at a time), Twilio HTTP/2 (many per
                    // connection). 4 streams × 30/s × 150 ms need 18 requests at once, more than the default 16
                    // connections, so allow enough connections to stand in for HTTP/2's multiplexing.
                    JSONMember("maxConnections", 64),
                    // Thousands of streams start at once here; the emulator does not limit creations.
                    JSONMember("maxCreatesPerSecond", 1000),
                ])),
            JSONMember("defaults", .object(defaults)),
            JSONMember("shutdown", .object([JSONMember("drainDeadline", "2s")])),
        ])
        return try ConfigurationLoader(environment: [:]).load(
            bytes: Array(document.text().utf8), source: "relay-bench.json", directory: nil)
    }

    /// Runs the relay for `configuration` while `body` runs, then shuts it down gracefully (as SIGTERM does).
    func runRelay<Result: Sendable>(
        _ configuration: RelayConfiguration, _ body: @Sendable (RelayApplication) async throws -> Result
    ) async throws -> Result {
        let application = try RelayApplication(
            configuration: configuration, observer: counts, health: HealthState(), logger: quiet)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: application.service)], logger: quiet))
        let result = await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Swift.Result<Result, any Error>
            do { result = .success(try await body(application)) } catch { result = .failure(error) }
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            return result
        }
        await application.close()
        return try result.get()
    }

    /// Polls until `condition` holds (every 50 ms); false when `timeout` passed first.
    func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Timers.sleep(for: .milliseconds(50))
        }
        return true
    }
}

/// A JSON record value `{"n":<n>,"pad":"xxx..."}` of exactly `bytes` bytes (when `bytes` allows).
func paddedValue(_ number: Int, bytes: Int) -> [UInt8] {
    let head = "{\"n\":\(number),\"pad\":\""
    return Array((head + String(repeating: "x", count: max(0, bytes - head.utf8.count - 2)) + "\"}").utf8)
}

/// Records the relay published, counted through the observer port; everything else is ignored.
final class PublishCounter: RelayObserver {
    private let published = Atomic<Int>(0)
    private let retries = Atomic<Int>(0)
    var records: Int { published.load(ordering: .relaxed) }
    var retried: Int { retries.load(ordering: .relaxed) }
    func recordsConsumed(topic: String, count: Int) {}
    func snapshotFinished(route: String, result: String, records: Int) {}
    func snapshotConflated(route: String) {}
    func snapshotRetried(route: String, reason: String) {}
    func snapshotAnswered(operation: String, latency: Duration) {}
    func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration) {
        published.add(records, ordering: .relaxed)
    }
    func recordsAccepted(route: String, target: String, ages: [Duration]) {}
    func recordsDropped(stream: String, reason: String, count: Int) {}
    func recordsDeadLettered(stream: String, reason: String, count: Int) {}
    func publishRetried(stream: String, reason: String) { retries.add(1, ordering: .relaxed) }
    func twilioResponse(statusClass: String, twilioCode: Int?) {}
    func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int) {}
    func pacerWait(stream: String, wait: Duration) {}
    func streamCreated(stream: String, recreated: Bool) {}
    func ttlRefreshed(stream: String) {}
    func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {}
    func partitionWaiting(topic: String, partition: Int32, oldest: Duration?) {}
    func readinessChanged(ready: Bool) {}
}

/// Resident set size of this process in bytes (`VmRSS` in /proc/self/status).
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }
    return 0
}

/// The value at quantile `q` (0...1) of `sorted`, nearest rank.
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Progress on stderr (the table goes to stdout).
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// CPU time (user + system) this process has used, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
