// kafka-bench: records consumed per second and CPU per record from librdkafka's mock cluster, through the relay's
// KafkaConsumer (records converted to SourceRecord and handed to a handler in batches) versus a bare librdkafka
// consumer loop over the same data. Run: swift run -c release kafka-bench [records] [value-bytes]
import CLibRDKafka
import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayTimers
import Synchronization

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let recordCount = arguments.first ?? 200_000
let valueBytes = arguments.dropFirst().first ?? 100
// The mock cluster keeps at most 5 MB per partition log: spread the data so none is evicted.
let partitions = max(4, recordCount * (valueBytes + 60) / 2_000_000 + 1)
let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

/// CPU seconds used by the whole process (every thread, librdkafka's included).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

struct Measurement {
    let name: String
    let seconds: Double
    let cpu: Double
    var recordsPerSecond: Double { Double(recordCount) / seconds }
    var recordsPerCPUSecond: Double { Double(recordCount) / cpu }
    var line: String {
        String(
            format: "%-28@ %10.0f records/s %12.0f records per CPU-second %8.2f µs CPU/record", name as NSString,
            recordsPerSecond, recordsPerCPUSecond, cpu / Double(recordCount) * 1e6)
    }
}

let cluster = try KafkaMockCluster(brokers: 1)
try cluster.createTopic("bench", partitions: partitions)

// Load the data once; both consumers read the same records.
let producer = try KafkaProducer(
    brokers: [cluster.bootstrapServers], properties: [("linger.ms", "5"), ("batch.num.messages", "10000")],
    logger: quiet)
let value = [UInt8](repeating: UInt8(ascii: "x"), count: valueBytes)
let loadStart = Date()
try await withThrowingTaskGroup(of: Void.self) { group in
    let inFlight = 5000
    for index in 0..<recordCount {
        if index >= inFlight { try await group.next() }
        group.addTask {
            _ = try await producer.send(topic: "bench", partition: Int32(index % partitions), key: nil, value: value)
        }
    }
    try await group.waitForAll()
}
await producer.close()
print(
    String(
        format: "loaded %d records of %d bytes into %d partitions in %.1f s", recordCount, valueBytes, partitions,
        Date().timeIntervalSince(loadStart)))

/// A bare librdkafka consumer loop: poll, touch the payload, destroy. The floor the relay is measured against.
func bareLoop(group: String) -> Measurement {
    var errorText = [CChar](repeating: 0, count: 512)
    let conf = rd_kafka_conf_new()!
    for (name, value) in [
        ("bootstrap.servers", cluster.bootstrapServers), ("group.id", group), ("auto.offset.reset", "earliest"),
        ("enable.auto.commit", "false"),
    ] {
        _ = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
    }
    let consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText, errorText.count)!
    rd_kafka_poll_set_consumer(consumer)
    let list = rd_kafka_topic_partition_list_new(1)!
    rd_kafka_topic_partition_list_add(list, "bench", -1)
    rd_kafka_subscribe(consumer, list)
    rd_kafka_topic_partition_list_destroy(list)
    var received = 0
    var bytes = 0
    // Wait for the first record before timing (group join is not what is measured).
    var start = Date()
    var cpuStart = cpuSeconds()
    while received < recordCount {
        guard let message = rd_kafka_consumer_poll(consumer, 100) else { continue }
        if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            if received == 0 { start = Date(); cpuStart = cpuSeconds() }
            received += 1
            bytes &+= message.pointee.len
        }
        rd_kafka_message_destroy(message)
    }
    let measurement = Measurement(
        name: "bare librdkafka loop", seconds: Date().timeIntervalSince(start), cpu: cpuSeconds() - cpuStart)
    rd_kafka_consumer_close(consumer)
    rd_kafka_destroy(consumer)
    precondition(bytes == recordCount * valueBytes)
    return measurement
}

/// Counts records handed over by the relay's consumer; marks the first one's time.
final class CountingHandler: ConsumerEvents {
    struct State {
        var received = 0; var bytes = 0; var start: Date?; var cpuStart = 0.0; var end: Date?; var cpuEnd = 0.0
    }
    let state = Mutex(State())
    func handle(records: [SourceRecord]) {
        state.withLock { state in
            if state.start == nil { state.start = Date(); state.cpuStart = cpuSeconds() }
            state.received += records.count
            for record in records { state.bytes &+= record.value?.count ?? 0 }
            if state.received >= recordCount, state.end == nil { state.end = Date(); state.cpuEnd = cpuSeconds() }
        }
    }
    func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment) {}
    func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) {}
    func commitDue() {}
    func statisticsUpdated(_ statistics: ConsumerStatistics) {}
    func consumerFailed(reason: String, isFatal: Bool) {}
}

func relayConsumer(group: String) async throws -> Measurement {
    let handler = CountingHandler()
    let settings = KafkaConsumerSettings(
        brokers: [cluster.bootstrapServers], groupId: group, topics: ["bench"], startFrom: .earliest)
    let consumer = try KafkaConsumer(settings: settings, handler: handler, logger: quiet)
    let task = Task { try await consumer.run() }
    while handler.state.withLock({ $0.end == nil }) { try await Timers.sleep(for: .milliseconds(10)) }
    consumer.stop()
    try await task.value
    let state = handler.state.withLock { $0 }
    precondition(state.bytes == recordCount * valueBytes)
    return Measurement(
        name: "sync-relay KafkaConsumer", seconds: state.end!.timeIntervalSince(state.start!),
        cpu: state.cpuEnd - state.cpuStart)
}

var bare: [Measurement] = []
var relay: [Measurement] = []
for round in 0..<3 {
    bare.append(bareLoop(group: "bare-\(round)"))
    relay.append(try await relayConsumer(group: "relay-\(round)"))
}
let bestBare = bare.max { $0.recordsPerCPUSecond < $1.recordsPerCPUSecond }!
let bestRelay = relay.max { $0.recordsPerCPUSecond < $1.recordsPerCPUSecond }!
print(
    "best of 3 rounds, \(recordCount) records of \(valueBytes) bytes, \(ProcessInfo.processInfo.activeProcessorCount) cores:"
)
print(bestBare.line)
print(bestRelay.line)
print(
    String(
        format: "relay / bare, CPU per record: %.2fx (target: at most 2x)",
        bestBare.recordsPerCPUSecond / bestRelay.recordsPerCPUSecond))
