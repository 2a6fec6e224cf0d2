import RelayCore

/// A global the benchmarks publish results to, so the optimizer keeps (and orders) the work that produced them.
nonisolated(unsafe) var benchmarkSink = 0

/// Packing throughput, allocation and fill.
enum PackingBenchmarks {
    /// Encodes and packs `records` into full messages as a lane does under backlog; returns records packed.
    static func encodeAndPack(_ records: [SourceRecord], packer: MessagePacker) -> Int {
        var sequence: UInt64 = 1
        var builder = packer.makeBuilder(sequence: sequence)
        var bytes = 0
        for record in records {
            let entry = packer.encode(record)
            if !builder.append(entry: entry) {
                bytes &+= builder.finish().count
                sequence += 1
                builder = packer.makeBuilder(sequence: sequence)
                builder.append(entry: entry)
            }
        }
        bytes &+= builder.finish().count
        Measure.consume(bytes)
        return records.count
    }

    /// Records packed per second on one core.
    static func packingRate(recordSize: Int, count: Int) -> Double {
        let records = Workloads.jsonRecords(count: count, size: recordSize)
        let packer = MessagePacker()
        return Measure.bestRate { encodeAndPack(records, packer: packer) }
    }

    /// Records through a whole lane (offer, build, acknowledge) per second, with the pacer out of the way.
    static func laneRate(recordSize: Int, count: Int) -> Double {
        let records = Workloads.jsonRecords(count: count, size: recordSize)
        return Measure.bestRate {
            var lane = StreamLane(
                settings: LaneSettings(maxRecords: count, maxBytes: 1 << 30, maxInFlight: 1),
                pacer: StreamPacer(settings: PacerSettings(burst: 30)))
            var now = Instant.zero
            var done = 0
            for record in records { _ = lane.offer(record, now: now) }
            while lane.queuedRecords > 0 {
                now = now + .seconds(1)
                if let message = lane.nextStep(now: now).message {
                    done += lane.acknowledge(sequence: message.sequence, now: now).count
                }
            }
            return done
        }
    }

    /// Heap bytes requested per record on the packing path: the packer makes exactly one allocation per record (its
    /// entry buffer) and one per message (the message buffer, reserved at the budget), so the figure is the sum of
    /// those buffers' capacities plus Swift's 32-byte array header, divided by the records. (glibc's in-use counters
    /// proved unreliable in this process: freed chunks from building the workload are reused without showing.)
    static func bytesPerRecord(recordSize: Int, count: Int) -> (entry: Double, message: Double) {
        let records = Workloads.jsonRecords(count: count, size: recordSize)
        let packer = MessagePacker()
        var entries: [[UInt8]] = []
        entries.reserveCapacity(count)
        var messages: [[UInt8]] = []
        encodeAll(records, packer: packer, into: &entries)
        packAll(entries, packer: packer, into: &messages)
        let header = 32
        let entryBytes = entries.reduce(0) { $0 + $1.capacity + header }
        let messageBytes = messages.reduce(0) { $0 + $1.capacity + header }
        return (Double(entryBytes) / Double(count), Double(messageBytes) / Double(count))
    }

    @inline(never)
    private static func encodeAll(_ records: [SourceRecord], packer: MessagePacker, into entries: inout [[UInt8]]) {
        for record in records { entries.append(packer.encode(record)) }
        benchmarkSink &+= entries.reduce(0) { $0 &+ $1.count }
    }

    @inline(never)
    private static func packAll(_ entries: [[UInt8]], packer: MessagePacker, into messages: inout [[UInt8]]) {
        var remaining = entries[...]
        var sequence: UInt64 = 1
        while !remaining.isEmpty {
            let (data, taken) = packer.pack(remaining, sequence: sequence)
            messages.append(data)
            remaining = remaining.dropFirst(taken)
            sequence += 1
        }
        benchmarkSink &+= messages.reduce(0) { $0 &+ $1.count }
    }

    /// Mean bytes per message (all but the last) when a lane drains a backlog of `recordSize`-byte records.
    static func meanFill(recordSize: Int, count: Int) -> (mean: Double, messages: Int) {
        let records = Workloads.jsonRecords(count: count, size: recordSize)
        var lane = StreamLane(
            settings: LaneSettings(maxRecords: count, maxBytes: 1 << 30, maxInFlight: 1))
        var now = Instant.zero
        for record in records { _ = lane.offer(record, now: now) }
        var sizes: [Int] = []
        while lane.queuedRecords > 0 {
            let step = lane.nextStep(now: now)
            if let message = step.message {
                sizes.append(message.data.count)
                _ = lane.acknowledge(sequence: message.sequence, now: now)
            } else if let wake = step.wakeAt {
                now = wake
            }
        }
        let full = sizes.dropLast()
        return (Double(full.reduce(0, +)) / Double(max(1, full.count)), sizes.count)
    }
}
