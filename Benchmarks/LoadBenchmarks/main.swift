// load-bench: `sync-relay run` as a separate process between librdkafka's mock cluster and a minimal loopback Sync
// sink (LoopbackSink), both in this process, so the relay's own CPU, memory, threads and descriptors can be read
// from /proc while the sink keeps up far beyond what the emulator can.
//
//   swift run -c release load-bench scale [--streams 1000] [--seconds 20] [--max-connections 256]
//                                         [--max-concurrent 1024] [--offer 1.2] [--linger-ms 5] [--json FILE]
//       streams served at full budget: every stream has a backlog, one record per message; messages/s in total
//       and per stream, rejections by the strict sink, the relay's CPU (cores) and resident memory.
//   swift run -c release load-bench soak [--minutes 15] [--streams 200] [--budget 0.8] [--sink-stall-ms 0] [--json FILE]
//       a bounded run at a share of the budget, sampling the relay's resident memory, descriptors and threads every
//       10 s; at the end every produced record must have reached the sink (lost = 0) and growth after warm-up must
//       stay within a small bound. The sink counts how often its own thread stalled and which rejections followed a
//       stall; `--sink-stall-ms N` blocks it for N ms every 10 s (Twilio's side stalling: arrivals bunch).
//   swift run -c release load-bench keys [--keys 100000] [--per-key 0.1] [--minutes 5] [--idle-after 10]
//                                        [--creates-per-second 1000] [--json FILE]
//       a keyed route (stream `load-{key}`, one stream per key) over 16 partitions: records for random keys at
//       `--per-key` records/s each on average; streams are created on first use (`--creates-per-second`) and released
//       after `--idle-after` seconds idle. Samples the relay's memory every 10 s; at the end every record must have
//       reached the sink, with no rejection. Reports streams created per second, CPU per record, RSS after the first
//       release cycle.
import Foundation
import Logging
import RelayKafka
import RelayTimers
import Synchronization

let quiet = Logger(label: "load-bench") { _ in SwiftLogNoOpLogHandler() }
let arguments = CommandLine.arguments

func option(_ name: String, _ fallback: Double) -> Double {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let value = Double(arguments[index + 1])
    else { return fallback }
    return value
}

func stringOption(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func progress(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The relay's `twilio.maxConnections` (`--max-connections`, 256 by default): libcurl opens up to this many
/// HTTP/1.1 connections to the sink.
let maxConnections = Int(option("--max-connections", 256))
/// The relay's `twilio.maxConcurrentRequests` (`--max-concurrent`, 1024 by default).
let maxConcurrentRequests = Int(option("--max-concurrent", 1024))

/// The relay's configuration: one topic of `streams` partitions, stream `load-{partition}`, one record per message.
func relayConfiguration(cluster: KafkaMockCluster, sinkURL: String) -> String {
    """
    {
      "kafka": {"brokers": ["\(cluster.bootstrapServers)"], "groupId": "load-bench", "topics": ["load"],
                "startFrom": "earliest", "properties": {"fetch.wait.max.ms": "20"}, "commitInterval": "1s"},
      "twilio": {"accountSid": "AC00000000000000000000000000000000", "authToken": "load-bench-token",
                 "serviceSid": "IS00000000000000000000000000000000", "baseURL": "\(sinkURL)",
                 "maxConnections": \(maxConnections), "maxConcurrentRequests": \(maxConcurrentRequests),
                 "maxCreatesPerSecond": 1000},
      "defaults": {"stream": "load-{partition}", "maxRecordsPerMessage": 1},
      "metrics": {"listen": "127.0.0.1:0"},
      "log": {"level": "warning"},
      "shutdown": {"drainDeadline": "10s"}
    }
    """
}

/// The keyed mode's configuration: stream `load-{key}`, released after `idleAfter` seconds idle.
func keyedConfiguration(
    cluster: KafkaMockCluster, sinkURL: String, idleAfter: Int, createsPerSecond: Int, snapshot: String?
) -> String {
    // `--snapshot document|map`: a route keeping each key's latest value in a Document (`doc-{key}`) or an item of
    // the Map `load` as well; `--snapshot-only` without the stream.
    let kept: String
    switch snapshot {
    case "document"?: kept = #""kind": "document", "name": "doc-{key}""#
    case "map"?: kept = #""kind": "map", "name": "load", "key": "{key}""#
    default: kept = ""
    }
    let routes =
        kept.isEmpty
        ? ""
        : """
        "routes": [{"topic": "load", "snapshot": {\(kept), "ttl": "1h", "stream": \(!arguments.contains("--snapshot-only"))}}],
        """
    return """
        {
          "kafka": {"brokers": ["\(cluster.bootstrapServers)"], "groupId": "load-bench", "topics": ["load"],
                    "startFrom": "earliest", "properties": {"fetch.wait.max.ms": "20"}, "commitInterval": "1s"},
          "twilio": {"accountSid": "AC00000000000000000000000000000000", "authToken": "load-bench-token",
                     "serviceSid": "IS00000000000000000000000000000000", "baseURL": "\(sinkURL)",
                     "maxConnections": \(maxConnections), "maxConcurrentRequests": \(maxConcurrentRequests),
                     "maxCreatesPerSecond": \(createsPerSecond), "knownStreams": 400000},
          "defaults": {"stream": "load-{key}", "idleAfter": "\(idleAfter)s", "maxActiveStreams": 200000,
                       "ttl": "1h", "format": {"id": true}},\(routes)
          "metrics": {"listen": "127.0.0.1:0"},
          "log": {"level": "warning"},
          "shutdown": {"drainDeadline": "10s"}
        }
        """
}

/// Produces `perSecond` records a second for random keys `k0..<k<keys>` (Kafka's partitioner places each key),
/// numbered from 0, until cancelled.
func produceKeyed(_ producer: KafkaProducer, keys: Int, perSecond: Double, produced: Counter) async {
    let tick = 0.1
    let started = ContinuousClock.now
    var sent = 0
    var random = SystemRandomNumberGenerator()
    while !Task.isCancelled {
        let due = Int(perSecond * (seconds(ContinuousClock.now - started) + tick))
        if due > sent {
            let batch = (sent..<due).map { number in
                KafkaProducer.OutgoingRecord(
                    topic: "load", key: Array("k\(Int.random(in: 0..<keys, using: &random))".utf8),
                    value: Array("{\"n\":\(number)}".utf8))
            }
            do { try await producer.send(batch) } catch { progress("produce failed: \(error)"); return }
            sent = due
            produced.set(sent)
        }
        try? await Timers.sleep(for: .milliseconds(Int64(tick * 1000)))
    }
}

/// Produces `perSecond` records a second spread evenly over `partitions`, numbered from 0, until cancelled.
func produce(_ producer: KafkaProducer, partitions: Int, perSecond: Double, produced: Counter) async {
    let tick = 0.1
    let started = ContinuousClock.now
    var sent = 0
    let padding = String(repeating: "x", count: 80)
    while !Task.isCancelled {
        let elapsed = ContinuousClock.now - started
        let due = Int(
            perSecond * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 + tick))
        if due > sent {
            let batch = (sent..<due).map { number in
                KafkaProducer.OutgoingRecord(
                    topic: "load", partition: Int32(number % partitions), key: nil,
                    value: Array("{\"n\":\(number),\"p\":\"\(padding)\"}".utf8))
            }
            do { try await producer.send(batch) } catch { progress("produce failed: \(error)"); return }
            sent = due
            produced.set(sent)
        }
        try? await Timers.sleep(for: .milliseconds(Int64(tick * 1000)))
    }
}

/// Records produced so far, shared between the producing task and the report.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func set(_ new: Int) { value.store(new, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

/// Stops the producer, then waits (at most 60 s) until the sink has every record produced; returns how many were.
func stopAndDrain(
    _ producing: Task<Void, Never>, produced: Counter, sink: LoopbackSink, snapshotOnly: Bool = false
) async throws -> Int {
    producing.cancel()
    _ = await producing.value
    let total = produced.current
    let drainDeadline = ContinuousClock.now + .seconds(snapshotOnly ? 3 : 60)  // no stream: nothing to count
    while snapshotOnly || sink.totals.records < total, ContinuousClock.now < drainDeadline {
        try await Timers.sleep(for: .milliseconds(200))
    }
    return total
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func writeJSON(_ document: [String: Any]) throws {
    if let flag = arguments.firstIndex(of: "--json"), flag + 1 < arguments.count {
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(
            to: URL(fileURLWithPath: arguments[flag + 1]))
    }
}

let mode = arguments.dropFirst().first ?? "scale"
let streams = Int(option("--streams", mode == "soak" ? 200 : 1_000))
let cluster = try KafkaMockCluster(brokers: 1)
try cluster.createTopic("load", partitions: mode == "keys" ? 16 : streams)
/// The producer's `linger.ms` (`--linger-ms`, 5 by default): longer batches cost the mock cluster and the producer
/// less CPU, leaving more of the machine to the relay.
let lingerMs = Int(option("--linger-ms", 5))
let producer = try KafkaProducer(
    brokers: [cluster.bootstrapServers], properties: [("linger.ms", String(lingerMs))], logger: quiet)
let sink = LoopbackSink()
let sinkURL = try await sink.start()
let sinkPort = Int(sinkURL.split(separator: ":").last ?? "") ?? 0
let idleAfter = Int(option("--idle-after", 10))
let createsPerSecond = Int(option("--creates-per-second", 1000))
let relay = try RelayProcess(
    configuration: mode == "keys"
        ? keyedConfiguration(
            cluster: cluster, sinkURL: sinkURL, idleAfter: idleAfter, createsPerSecond: createsPerSecond,
            snapshot: stringOption("--snapshot"))
        : relayConfiguration(cluster: cluster, sinkURL: sinkURL))
let produced = Counter()
var failed = false

switch mode {
case "scale":
    let window = option("--seconds", 20)
    // Offer 20% more than the budget (`--offer`) so every stream keeps a backlog and the pacer, not the supply,
    // sets the rate.
    let offered = Double(streams) * 30 * max(1, option("--offer", 1.2))
    progress(
        "scale: \(streams) streams, offering \(Int(offered)) records/s (one record per message), \(Int(window)) s window"
    )
    let producing = Task { await produce(producer, partitions: streams, perSecond: offered, produced: produced) }
    // Warm-up: every stream created and publishing, then 5 s more.
    let warmDeadline = ContinuousClock.now + .seconds(120)
    while sink.totals.streams.count < streams, ContinuousClock.now < warmDeadline {
        try await Timers.sleep(for: .milliseconds(200))
    }
    let live = sink.totals.streams.count
    try await Timers.sleep(for: .seconds(5))
    let start = (sink.totals, relay.cpuSeconds(), processCPUSeconds(), ContinuousClock.now)
    try await Timers.sleep(for: .seconds(Int64(window)))
    let end = (sink.totals, relay.cpuSeconds(), processCPUSeconds(), ContinuousClock.now)
    let memory = relay.resources(connectionsTo: sinkPort)
    producing.cancel()
    _ = await producing.value
    let status = relay.stop()
    let wall = seconds(end.3 - start.3)
    let total = Double(end.0.messages - start.0.messages) / wall
    let perStream = end.0.streams.map { name, entry in
        Double(entry.messages - (start.0.streams[name]?.messages ?? 0)) / wall
    }.sorted()
    let median = perStream.isEmpty ? 0 : perStream[perStream.count / 2]
    let relayCores = (end.1 - start.1) / wall
    let benchCores = (end.2 - start.2) / wall
    let rejections = end.0.rejections
    print(
        "load-bench scale: sync-relay run (separate process) → loopback sink, \(streams) streams, one record per message"
    )
    print("")
    print(String(format: "  streams live                               %6d of %d", live, streams))
    print(
        String(
            format: "  messages/s accepted in total               %8.0f   (budget: %d × 29.55 = %.0f)", total, streams,
            Double(streams) * 29.55))
    print(
        String(
            format: "  messages/s per stream, min / median / max  %6.2f / %.2f / %.2f   (limit 30)",
            perStream.first ?? 0, median, perStream.last ?? 0))
    print(
        String(
            format:
                "  rejections by the strict sink (54009)      %6d   (limit 0; %d in the window, %d after a sink stall; sink stalls > 50 ms: %d, worst %.0f ms)",
            rejections, rejections - start.0.rejections, end.0.rejectionsAfterSinkStall, end.0.stallsOver50ms,
            Double(end.0.worstStall) / 1e6))
    print(
        String(
            format: "  relay CPU                                  %6.2f cores   (%.1f µs per message)", relayCores,
            relayCores / max(total, 1) * 1e6))
    print(String(format: "  bench process CPU (sink, mock cluster, producer) %.2f cores", benchCores))
    print(
        String(
            format:
                "  relay resident memory                      %6.1f MiB, %d threads, %d descriptors (%d connections to the sink)",
            Double(memory.rss) / 1_048_576, memory.threads, memory.fds, memory.connections))
    print("  relay exit status after SIGTERM            \(status)")
    failed = rejections > 0 || status != 0
    try writeJSON([
        "benchmark": "load-bench scale", "streams": streams, "streamsLive": live, "window_s": wall,
        "messagesPerSecond": total,
        "perStreamMin": perStream.first ?? 0, "perStreamMedian": median, "perStreamMax": perStream.last ?? 0,
        "rejections": rejections,
        "relayCores": relayCores, "benchCores": benchCores, "relayRSSBytes": memory.rss, "relayThreads": memory.threads,
        "relayFDs": memory.fds,
        "relayConnections": memory.connections,
        "exitStatus": Int(status),
    ])

case "soak":
    let minutes = option("--minutes", 15)
    let share = option("--budget", 0.8)
    let offered = Double(streams) * 30 * share
    let runFor = Duration.seconds(minutes * 60)
    // Warm-up: a third of the run, at least 60 s and at most 10 min. The relay's resident memory settles at the
    // high-water mark of its first backlogs (a stream catches up at only 5.5 messages/s above an 80% feed, so a
    // one-second stall queues records for several seconds); the first 15-minute run reached it after 5 min and
    // was flat from there (docs/reliability.md). A leak shows as growth over the rest of the run.
    let warmUp = min(max(Duration.seconds(60), runFor / 3), .seconds(600))
    let sinkStall = Int(option("--sink-stall-ms", 0))
    if sinkStall > 0 { sink.stall(every: .seconds(10), milliseconds: sinkStall) }
    progress(
        "soak: \(streams) streams at \(Int(share * 100))% of the budget (\(Int(offered)) records/s, one per message) for \(minutes) min; samples every 10 s\(sinkStall > 0 ? "; the sink stalls \(sinkStall) ms every 10 s" : "")"
    )
    let producing = Task { await produce(producer, partitions: streams, perSecond: offered, produced: produced) }
    let started = ContinuousClock.now
    var samples: [(t: Double, rss: Int, threads: Int, fds: Int, connections: Int, cpu: Double, messages: Int)] = []
    while ContinuousClock.now - started < runFor {
        try await Timers.sleep(for: .seconds(10))
        let resources = relay.resources(connectionsTo: sinkPort)
        let sample = (
            t: seconds(ContinuousClock.now - started), rss: resources.rss, threads: resources.threads,
            fds: resources.fds,
            connections: resources.connections, cpu: relay.cpuSeconds(), messages: sink.totals.messages
        )
        samples.append(sample)
        let now = sink.totals
        progress(
            String(
                format:
                    "  %5.0f s  RSS %6.1f MiB  threads %3d  fds %4d (%3d connections)  CPU %7.1f s  messages %d  rejections %d (%d after a sink stall)  sink stalls > 50 ms %d",
                sample.t, Double(sample.rss) / 1_048_576, sample.threads, sample.fds, sample.connections, sample.cpu,
                sample.messages, now.rejections, now.rejectionsAfterSinkStall, now.stallsOver50ms))
    }
    let total = try await stopAndDrain(producing, produced: produced, sink: sink)
    let delivered = sink.totals.records
    let rejections = sink.totals.rejections
    let status = relay.stop()
    let warm = samples.first { $0.t >= seconds(warmUp) } ?? samples.first!
    let after = samples.filter { $0.t >= warm.t }
    let rssGrowth = (after.map(\.rss).max() ?? 0) - warm.rss
    let threadGrowth = (after.map(\.threads).max() ?? 0) - warm.threads
    // Connections to the sink come and go within maxConnections (libcurl opens more when more requests are in
    // flight and closes those idle for two minutes); a leak shows in the other descriptors.
    let fdGrowth = (after.map { $0.fds - $0.connections }.max() ?? 0) - (warm.fds - warm.connections)
    let mostConnections = samples.map(\.connections).max() ?? 0
    let last = samples.last!
    let rate = Double(last.messages - warm.messages) / max(last.t - warm.t, 1)
    let cores = (last.cpu - warm.cpu) / max(last.t - warm.t, 1)
    let rssBound = 16 * 1_048_576
    print(
        "load-bench soak: sync-relay run (separate process) → loopback sink, \(streams) streams at \(Int(share * 100))% of the budget, \(minutes) min\(sinkStall > 0 ? ", sink stalled \(sinkStall) ms every 10 s" : "")"
    )
    print("")
    print(
        String(
            format: "  records produced / delivered / lost        %d / %d / %d", total, delivered,
            max(0, total - delivered)))
    print(String(format: "  rejections by the strict sink              %d   (limit 0)", rejections))
    print(String(format: "    of which within 1.5 s of a sink stall    %d", sink.totals.rejectionsAfterSinkStall))
    print(
        String(
            format: "  sink thread stalls > 50 ms / > 250 ms / worst  %d / %d / %.0f ms", sink.totals.stallsOver50ms,
            sink.totals.stallsOver250ms, Double(sink.totals.worstStall) / 1e6))
    print(String(format: "  messages/s after warm-up                   %.0f   (offered %.0f)", rate, offered))
    print(String(format: "  relay CPU after warm-up                    %.2f cores", cores))
    print(
        String(
            format: "  RSS at warm-up (%.0f s) / end / growth      %.1f / %.1f / %+.1f MiB   (bound +16 MiB)", warm.t,
            Double(warm.rss) / 1_048_576, Double(last.rss) / 1_048_576, Double(rssGrowth) / 1_048_576))
    print(
        "  threads at warm-up / end / growth          \(warm.threads) / \(last.threads) / +\(threadGrowth)   (bound +2)"
    )
    print(
        "  other descriptors at warm-up / end / growth \(warm.fds - warm.connections) / \(last.fds - last.connections) / +\(fdGrowth)   (bound +8)"
    )
    print(
        "  connections to the sink: warm-up / end / most  \(warm.connections) / \(last.connections) / \(mostConnections)   (limit \(maxConnections))"
    )
    print("  relay exit status after SIGTERM            \(status)")
    failed =
        delivered < total || rejections > 0 || rssGrowth > rssBound || threadGrowth > 2 || fdGrowth > 8
        || mostConnections > maxConnections || status != 0
    try writeJSON([
        "benchmark": "load-bench soak", "streams": streams, "minutes": minutes, "share": share,
        "sinkStallMilliseconds": sinkStall, "produced": total, "delivered": delivered,
        "lost": max(0, total - delivered), "rejections": rejections,
        "rejectionsAfterSinkStall": sink.totals.rejectionsAfterSinkStall,
        "sinkStallsOver50ms": sink.totals.stallsOver50ms, "sinkStallsOver250ms": sink.totals.stallsOver250ms,
        "sinkWorstStallSeconds": Double(sink.totals.worstStall) / 1e9, "messagesPerSecond": rate, "relayCores": cores,
        "rssGrowthBytes": rssGrowth, "threadGrowth": threadGrowth, "fdGrowth": fdGrowth,
        "mostConnections": mostConnections, "exitStatus": Int(status),
        "samples": samples.map {
            [
                "t": $0.t, "rss": $0.rss, "threads": $0.threads, "fds": $0.fds, "connections": $0.connections,
                "cpu": $0.cpu, "messages": $0.messages,
            ]
        },
    ])

case "keys":
    let keys = Int(option("--keys", 100_000))
    let perKey = option("--per-key", 0.1)
    let minutes = option("--minutes", 5)
    let offered = Double(keys) * perKey
    progress(
        "keys: \(keys) keys at \(perKey) records/s each (\(Int(offered)) records/s), streams released after \(idleAfter) s idle, creates up to \(createsPerSecond)/s, \(minutes) min; samples every 10 s"
    )
    let producing = Task { await produceKeyed(producer, keys: keys, perSecond: offered, produced: produced) }
    let started = ContinuousClock.now
    var samples: [(t: Double, rss: Int, cpu: Double, records: Int, creates: Int, streams: Int, snapshotWrites: Int)] =
        []
    var allCreatedAt: Double?
    while ContinuousClock.now - started < .seconds(minutes * 60) {
        try await Timers.sleep(for: .seconds(10))
        guard relay.process.isRunning else {
            progress(
                "the relay exited (status \(relay.process.terminationStatus)): its log is beside its configuration")
            break
        }
        let totals = sink.totals
        let resources = relay.resources(connectionsTo: sinkPort)
        let sample = (
            t: seconds(ContinuousClock.now - started), rss: resources.rss, cpu: relay.cpuSeconds(),
            records: totals.records, creates: totals.creates, streams: totals.streams.count,
            snapshotWrites: totals.snapshotWrites
        )
        if allCreatedAt == nil, sample.streams >= keys { allCreatedAt = sample.t }
        samples.append(sample)
        progress(
            String(
                format:
                    "  %5.0f s  RSS %6.1f MiB  CPU %7.1f s  records %d of %d  streams %d  creates %d  rejections %d  snapshot writes %d",
                sample.t, Double(sample.rss) / 1_048_576, sample.cpu, sample.records, produced.current, sample.streams,
                sample.creates, totals.rejections, sample.snapshotWrites))
    }
    let snapshotOnly = arguments.contains("--snapshot-only") && stringOption("--snapshot") != nil
    let total = try await stopAndDrain(producing, produced: produced, sink: sink, snapshotOnly: snapshotOnly)
    let delivered = sink.totals.records
    let rejections = sink.totals.rejections
    let creates = sink.totals.creates
    let status = relay.stop()
    // The first release cycle ends `idleAfter` after every key's stream was created once.
    // A snapshot-only run creates no stream: its figures are taken after the first minute.
    let cycleEnd = snapshotOnly ? 60 : (allCreatedAt ?? samples.last!.t) + Double(idleAfter) + 10
    let warm = samples.first { $0.t >= cycleEnd } ?? samples.last!
    let after = samples.filter { $0.t >= warm.t }
    let last = samples.last!
    let peak = samples.map(\.rss).max() ?? 0
    let rssGrowth = (after.map(\.rss).max() ?? 0) - warm.rss
    let rate = Double(last.records - warm.records) / max(last.t - warm.t, 1)
    let snapshotWrites = sink.totals.snapshotWrites
    let writeRate = Double(last.snapshotWrites - warm.snapshotWrites) / max(last.t - warm.t, 1)
    let cores = (last.cpu - warm.cpu) / max(last.t - warm.t, 1)
    let firstCreates = samples.first { $0.streams >= keys }.map { Double(keys) / $0.t }
    print(
        "load-bench keys: sync-relay run (separate process) → loopback sink, \(keys) keys (stream load-{key}), \(perKey) records/s each, idleAfter \(idleAfter) s, \(minutes) min"
    )
    print("")
    print(
        String(
            format: "  records produced / delivered / lost        %d / %d / %d", total, delivered,
            max(0, total - delivered)))
    print(String(format: "  rejections by the strict sink              %d   (limit 0)", rejections))
    print(
        "  streams created (sink) / distinct          \(creates) / \(sink.totals.streams.count)   (every key's stream was created by \(allCreatedAt.map { String(format: "%.0f s", $0) } ?? "the end: not all"))"
    )
    if let firstCreates {
        print(
            String(
                format: "  streams created per second (first pass)    >= %.0f   (limit %d)", firstCreates,
                createsPerSecond))
    }
    print(String(format: "  records/s after the first release cycle    %.0f   (offered %.0f)", rate, offered))
    print(
        String(
            format: "  relay CPU after the first release cycle    %.2f cores   (%.1f µs per record)", cores,
            cores / max(snapshotOnly ? offered : rate, 1) * 1e6))
    if let kind = stringOption("--snapshot") {
        print(
            String(
                format:
                    "  snapshot writes (%@%@) in all / per second   %d / %.0f   (conflation: %.1f%% of records not written, %.1f µs of relay CPU per write)",
                kind, snapshotOnly ? ", no stream" : "", snapshotWrites, writeRate,
                100 * (1 - writeRate / max(offered, 1)), cores / max(writeRate, 1) * 1e6))
    }
    print(
        String(
            format:
                "  RSS peak / after the cycle (%.0f s) / end / growth  %.1f / %.1f / %.1f / %+.1f MiB   (target <= 512)",
            warm.t, Double(peak) / 1_048_576, Double(warm.rss) / 1_048_576, Double(last.rss) / 1_048_576,
            Double(rssGrowth) / 1_048_576))
    print("  relay exit status after SIGTERM            \(status)")
    failed = (!snapshotOnly && delivered < total) || rejections > 0 || peak > 512 * 1_048_576 || status != 0
    try writeJSON([
        "benchmark": "load-bench keys", "keys": keys, "perKey": perKey, "minutes": minutes, "idleAfter": idleAfter,
        "produced": total, "delivered": delivered, "lost": max(0, total - delivered), "rejections": rejections,
        "creates": creates, "recordsPerSecond": rate, "relayCores": cores, "rssPeakBytes": peak,
        "rssGrowthBytes": rssGrowth, "exitStatus": Int(status), "snapshot": stringOption("--snapshot") ?? "none",
        "snapshotWrites": snapshotWrites, "snapshotWritesPerSecond": writeRate,
        "samples": samples.map {
            [
                "t": $0.t, "rss": $0.rss, "cpu": $0.cpu, "records": $0.records, "creates": $0.creates,
                "streams": $0.streams,
            ]
        },
    ])

default:
    progress("usage: load-bench scale|soak|keys [options]  (see the header of Benchmarks/LoadBenchmarks/main.swift)")
    failed = true
}

await producer.close()
await sink.stop()
exit(failed ? 1 : 0)
