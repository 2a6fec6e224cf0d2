import Foundation
import RelayCore
import RelayKafka
import RelayTimers
import SyncEmulator

/// One row of the final table.
struct Row {
    let figure: String
    let value: String
    let target: String
    /// nil when the figure has no target.
    let pass: Bool?
}

/// The benchmark's durations.
struct Plan {
    /// Seconds of steady pacing measured per stream (figure 1).
    let rateWindow: Double
    /// Records per stream for the fill figure.
    let fillRecords: Int
    /// Seconds of traffic at 5 records/s per stream (figure 3).
    let latencySeconds: Double

    static let full = Plan(rateWindow: 20, fillRecords: 6_000, latencySeconds: 20)
    static let quick = Plan(rateWindow: 8, fillRecords: 2_500, latencySeconds: 8)
}

// MARK: 1. Sustained messages/s per stream under backlog, strict emulator

struct RateResult {
    /// Messages in [first arrival, first arrival + window) divided by the window, per stream.
    let perStream: [Double]
    /// The most messages any stream had in one sliding second.
    let maxInOneSecond: Int
    let rejections: [Int: Int]
    let retries: Int
    let complete: Bool
}

/// `streams` topics each with a backlog of ~300-byte records, `maxMessageBytes` 512 (one record per message), the
/// emulator strict (no 31st message in any sliding second), optionally `latency` (a latency fault, possibly
/// jittered) on every request.
func sustainedRate(
    streams: Int, window: Double, latency: EmulatorFault?, rateLimit: EmulatorRateLimit = .strict()
) async throws -> RateResult {
    let topics = (0..<streams).map { "rate.\($0)" }
    // Enough for the window plus the start (group join, stream creation) and a margin: the backlog never runs out
    // inside the window.
    let perStream = Int(30 * (window + 3))
    return try await Rig.with(topics: topics.map { ($0, 1) }, rateLimit: rateLimit) { rig in
        for topic in topics {
            try await rig.producer.send(
                (0..<perStream).map { number in
                    KafkaProducer.OutgoingRecord(
                        topic: topic, partition: 0, key: nil, value: paddedValue(number, bytes: 300))
                })
        }
        if let latency { rig.emulator.emulator.injectFault(latency) }
        let configuration = try rig.configuration(topics: topics, defaults: [JSONMember("maxMessageBytes", 512)])
        let complete = try await rig.runRelay(configuration) { _ in
            await rig.waitUntil(timeout: .seconds(Int(window) + 30)) { rig.counts.records >= perStream * streams }
        }
        let emulator = rig.emulator.emulator
        var rates: [Double] = []
        var maxInOneSecond = 0
        for topic in topics {
            let arrivals = emulator.messages(stream: topic).map(\.arrivedAt).sorted()
            guard let first = arrivals.first else {
                rates.append(0)
                continue
            }
            rates.append(Double(arrivals.prefix { $0.timeIntervalSince(first) < window }.count) / window)
            var start = 0
            for (index, arrival) in arrivals.enumerated() {
                while arrival.timeIntervalSince(arrivals[start]) >= 1 { start += 1 }
                maxInOneSecond = max(maxInOneSecond, index - start + 1)
            }
        }
        return RateResult(
            perStream: rates, maxInOneSecond: maxInOneSecond, rejections: emulator.stats().rejections,
            retries: rig.counts.retried, complete: complete)
    }
}

// MARK: 2. Mean fill under backlog

struct FillResult {
    /// Each message's `Data` bytes over 4096, every stream's last message excluded (it holds the remainder).
    let fills: [Double]
    /// Records delivered over messages accepted.
    let recordsPerMessage: Double
    /// Process CPU (user + system) per thousand records relayed, in milliseconds: consuming, packing, publishing
    /// and, since they share the process, the mock cluster's and the emulator's work too (an upper bound).
    let cpuMillisecondsPerThousand: Double
    let complete: Bool
}

/// The sizes of `fill` records: one size, or sizes spread evenly between two bounds.
enum RecordSizes: CustomStringConvertible {
    case fixed(Int)
    case mixed(ClosedRange<Int>)

    func size(of number: Int) -> Int {
        switch self {
        case .fixed(let bytes): bytes
        case .mixed(let range): range.lowerBound + (number &* 7_919) % (range.count)
        }
    }

    var description: String {
        switch self {
        case .fixed(let bytes): bytes >= 1024 ? "\(bytes / 1024) KiB" : "\(bytes)-byte"
        case .mixed(let range): "mixed \(range.lowerBound)–\(range.upperBound)-byte"
        }
    }
}

/// `streams` topics each with a backlog of `records` records of `sizes`, the default 4096-byte budget.
func meanFill(streams: Int, records: Int, sizes: RecordSizes = .fixed(100)) async throws -> FillResult {
    let topics = (0..<streams).map { "fill.\($0)" }
    return try await Rig.with(topics: topics.map { ($0, 1) }, rateLimit: .unlimited) { rig in
        for topic in topics {
            try await rig.producer.send(
                (0..<records).map { number in
                    KafkaProducer.OutgoingRecord(
                        topic: topic, partition: 0, key: nil, value: paddedValue(number, bytes: sizes.size(of: number)))
                })
        }
        let configuration = try rig.configuration(topics: topics)
        let cpuBefore = processCPUSeconds()
        let complete = try await rig.runRelay(configuration) { _ in
            await rig.waitUntil(timeout: .seconds(90)) { rig.counts.records >= records * streams }
        }
        let cpu = processCPUSeconds() - cpuBefore
        var fills: [Double] = []
        var messageCount = 0
        for topic in topics {
            let messages = rig.emulator.emulator.messages(stream: topic).sorted { $0.sequence < $1.sequence }
            messageCount += messages.count
            fills += messages.dropLast().map { Double($0.data.utf8.count) / 4096 }
        }
        return FillResult(
            fills: fills, recordsPerMessage: Double(rig.counts.records) / Double(max(messageCount, 1)),
            cpuMillisecondsPerThousand: cpu * 1000 / (Double(max(rig.counts.records, 1)) / 1000), complete: complete)
    }
}

// MARK: 3b. Time to the first message of a new stream

/// One topic of `streams + 1` partitions routed to a stream per partition (`first-{partition}`). After a warm-up
/// record on partition 0 (the group has joined, every partition is assigned), one record goes to each other
/// partition in turn; each is the first of its stream, so the time from its produce call to the emulator's
/// acceptance includes creating the stream. Milliseconds, sorted.
func timeToFirstMessage(streams: Int) async throws -> [Double] {
    try await Rig.with(topics: [("first", streams + 1)], rateLimit: .strict()) { rig in
        let configuration = try rig.configuration(
            topics: ["first"], defaults: [JSONMember("stream", "first-{partition}")], fetchWaitMs: 5)
        return try await rig.runRelay(configuration) { _ in
            _ = try await rig.producer.send(topic: "first", partition: 0, key: nil, value: paddedValue(0, bytes: 100))
            _ = await rig.waitUntil(timeout: .seconds(30)) { rig.counts.records >= 1 }
            var times: [Double] = []
            for partition in 1...streams {
                let start = Date()
                _ = try await rig.producer.send(
                    topic: "first", partition: Int32(partition), key: nil, value: paddedValue(partition, bytes: 100))
                guard await rig.waitUntil(timeout: .seconds(10), { rig.counts.records >= 1 + partition }),
                    let arrived = rig.emulator.emulator.messages(stream: "first-\(partition)").first?.arrivedAt
                else { continue }
                times.append(arrived.timeIntervalSince(start) * 1000)
            }
            return times.sorted()
        }
    }
}

// MARK: 3. Latency under budget

struct LatencyResult {
    /// Milliseconds from the produce call to the emulator's acceptance, sorted.
    let milliseconds: [Double]
    let expected: Int
}

/// `streams` topics each fed 5 records/s for `seconds`; each record carries the wall-clock time of its produce call
/// (`t`, microseconds since the epoch), compared with the emulator's `arrivedAt`.
func latencyUnderBudget(streams: Int, seconds: Double, fetchWaitMs: Int) async throws -> LatencyResult {
    let topics = (0..<streams).map { "latency.\($0)" }
    let perStream = Int(seconds * 5)
    return try await Rig.with(topics: topics.map { ($0, 1) }, rateLimit: .strict()) { rig in
        let configuration = try rig.configuration(topics: topics, fetchWaitMs: fetchWaitMs)
        try await rig.runRelay(configuration) { _ in
            // Warm up: one record per stream, so the group has joined and every stream exists before timing.
            for topic in topics {
                _ = try await rig.producer.send(
                    topic: topic, partition: 0, key: nil, value: Array("{\"warm\":true}".utf8))
            }
            _ = await rig.waitUntil(timeout: .seconds(30)) { rig.counts.records >= streams }
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, topic) in topics.enumerated() {
                    group.addTask {
                        // Streams staggered within each 200 ms period.
                        let offset = Duration.milliseconds(200) * index / streams
                        for number in 0..<perStream {
                            try await Timers.sleep(until: start + offset + .milliseconds(200) * number)
                            let micros = Int64(Date().timeIntervalSince1970 * 1e6)
                            _ = try await rig.producer.send(
                                topic: topic, partition: 0, key: nil,
                                value: Array(
                                    "{\"t\":\(micros),\"n\":\(number),\"pad\":\"\(String(repeating: "x", count: 60))\"}"
                                        .utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
            _ = await rig.waitUntil(timeout: .seconds(10)) { rig.counts.records >= streams * (perStream + 1) }
        }
        var latencies: [Double] = []
        for topic in topics {
            for message in rig.emulator.emulator.messages(stream: topic) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(message.data.utf8)) as? [String: Any],
                    let entries = object["r"] as? [[String: Any]]
                else { continue }
                for entry in entries {
                    guard let value = entry["j"] as? [String: Any], let micros = (value["t"] as? NSNumber)?.int64Value
                    else { continue }
                    latencies.append((message.arrivedAt.timeIntervalSince1970 - Double(micros) / 1e6) * 1000)
                }
            }
        }
        return LatencyResult(milliseconds: latencies.sorted(), expected: streams * perStream)
    }
}

// MARK: 4. Resident memory at idle and with 1,000 active streams

struct MemoryResult {
    /// Before the relay starts: the mock cluster with its topics, the emulator, the producer.
    let baseline: Int
    /// The relay running, subscribed to every topic, no traffic.
    let idle: Int
    /// Every stream created and published to.
    let active: Int
    let streams: Int
    let liveStreams: Int
    let complete: Bool
}

/// One topic with `streams` partitions, routed to one stream per partition (`bench-{partition}`); each partition gets a
/// few records so its stream is created and has a lane. (One topic rather than 1,000: the mock cluster takes about a
/// second per `createTopic`.) The emulator unlimited: strictness is not what is measured here.
func memory(streams: Int) async throws -> MemoryResult {
    let recordsPerStream = 3
    return try await Rig.with(topics: [("bench", streams)], rateLimit: .unlimited) { rig in
        try? await Timers.sleep(for: .seconds(1))
        let baseline = residentBytes()
        let configuration = try rig.configuration(
            topics: ["bench"], defaults: [JSONMember("stream", "bench-{partition}")])
        return try await rig.runRelay(configuration) { _ in
            // One record on one partition: once it arrives the group has joined and every partition is assigned.
            _ = try await rig.producer.send(topic: "bench", partition: 0, key: nil, value: paddedValue(-1, bytes: 100))
            var complete = await rig.waitUntil(timeout: .seconds(30)) { rig.counts.records >= 1 }
            try await Timers.sleep(for: .seconds(2))
            let idle = residentBytes()
            for batch in stride(from: 0, to: streams, by: 100) {
                try await rig.producer.send(
                    (batch..<min(batch + 100, streams)).flatMap { partition in
                        (0..<recordsPerStream).map { number in
                            KafkaProducer.OutgoingRecord(
                                topic: "bench", partition: Int32(partition), key: nil,
                                value: paddedValue(number, bytes: 100))
                        }
                    })
            }
            complete =
                await rig.waitUntil(timeout: .seconds(60)) { rig.counts.records >= 1 + streams * recordsPerStream }
                && complete
            try await Timers.sleep(for: .seconds(2))
            return MemoryResult(
                baseline: baseline, idle: idle, active: residentBytes(), streams: streams,
                liveStreams: rig.emulator.emulator.stats().streams, complete: complete)
        }
    }
}
