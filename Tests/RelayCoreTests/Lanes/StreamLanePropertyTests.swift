import PropertyBased
import RelayCore
import Testing

/// Random record streams through a lane under random policies, acknowledgements, retries and rejections.
@Suite struct StreamLanePropertyTests {
    private struct RecordID: Hashable {
        var partition: Int32
        var offset: Int64
    }

    @Test func everyRecordLeavesExactlyOnceAndMessagesAreValid() async {
        await propertyCheck(count: 50, input: Gen.uint64()) { seed in
            var random = RandomRecords(seed: seed)
            let budget = Int.random(in: 512...4096, using: &random.rng)
            let overflow = OverflowPolicy.allCases.randomElement(using: &random.rng)!
            let oversize = OversizePolicy.allCases.randomElement(using: &random.rng)!
            let conflate = Bool.random(using: &random.rng)
            let maxAge: Duration? = Bool.random(using: &random.rng) ? .milliseconds(800) : nil
            let rate = Int.random(in: 1...30, using: &random.rng)
            let settings = LaneSettings(
                maxRecords: Int.random(in: 1...60, using: &random.rng),
                maxBytes: Int.random(in: 200...30_000, using: &random.rng), overflow: overflow, maxAge: maxAge,
                conflate: conflate, maxInFlight: Int.random(in: 1...8, using: &random.rng), oversize: oversize)
            let format = MessageFormatOptions(
                includeKey: true, includeTopic: true, includePartition: true, includeOffset: true)
            var lane = StreamLane(
                settings: settings,
                packer: MessagePacker(settings: PackerSettings(budget: budget, maxChunks: 50), format: format),
                pacer: StreamPacer(settings: PacerSettings(rate: Double(rate))))

            var offered: [RecordID: SourceRecord] = [:]
            var published: [SourceRecord] = []
            var dropped: [DroppedRecord] = []
            var held: [SourceRecord] = []  // refused under block, offered again on resume
            var paused = false
            var awaiting: [OutgoingMessage] = []
            var accepted: [UInt64: [UInt8]] = [:]
            var sendTimes: [Instant] = []
            var nextOffset: [Int32: Int64] = [0: 0, 1: 0, 2: 0]
            var now = Instant.zero

            func offer(_ record: SourceRecord) -> Bool {
                let result = lane.offer(record, now: now)
                dropped += result.dropped
                if result.shouldPause { paused = true }
                if result.disposition == .refused {
                    #expect(overflow == .block)
                    return false
                }
                return true
            }

            func pump() {
                while true {
                    // nextWake never says later than nextStep acts (the pipeline skips wake-ups on it).
                    let wake = lane.nextWake(now: now)
                    let step = lane.nextStep(now: now)
                    dropped += step.dropped
                    if step.message != nil { #expect(wake.map { $0 <= now } == true) }
                    if let wakeAt = step.wakeAt { #expect(wake.map { $0 <= wakeAt } == true) }
                    guard let message = step.message else { return }
                    #expect(message.data.count <= budget)
                    #expect(lane.inFlightCount <= settings.maxInFlight)
                    sendTimes.append(now)
                    awaiting.append(message)
                }
            }

            for _ in 0..<Int.random(in: 50...400, using: &random.rng) {
                switch Int.random(in: 0..<10, using: &random.rng) {
                case 0...3:
                    if paused && lane.canResume { paused = false }
                    while !paused, !held.isEmpty {
                        if offer(held[0]) { held.removeFirst() } else { break }
                    }
                    guard !paused else { break }
                    for _ in 0..<Int.random(in: 1...20, using: &random.rng) {
                        let partition = Int32.random(in: 0..<3, using: &random.rng)
                        var record = random.record(partition: partition, offset: nextOffset[partition]!)
                        if !conflate || Bool.random(using: &random.rng) { record.key = nil }
                        nextOffset[partition]! += 1
                        offered[RecordID(partition: partition, offset: record.offset)] = record
                        if !held.isEmpty || !offer(record) { held.append(record) }
                    }
                case 4, 5:
                    now = now + .milliseconds(Int64.random(in: 0...300, using: &random.rng))
                case 6, 7, 8:
                    pump()
                default:
                    guard !awaiting.isEmpty else { break }
                    let index = Int.random(in: 0..<awaiting.count, using: &random.rng)
                    let message = awaiting.remove(at: index)
                    switch Int.random(in: 0..<10, using: &random.rng) {
                    case 0...6:
                        accepted[message.sequence] = message.data
                        published += lane.acknowledge(sequence: message.sequence, now: now)
                    case 7, 8:
                        lane.retry(
                            sequence: message.sequence,
                            notBefore: now + .milliseconds(Int64.random(in: 0...500, using: &random.rng)), now: now)
                    default:
                        dropped += lane.abandon(sequence: message.sequence, now: now)
                    }
                }
            }
            // Drain: acknowledge everything, offering what was held.
            var rounds = 0
            while rounds < 1_000_000 {
                rounds += 1
                if lane.canResume { paused = false }
                while !held.isEmpty, offer(held[0]) { held.removeFirst() }
                pump()
                for message in awaiting {
                    accepted[message.sequence] = message.data
                    published += lane.acknowledge(sequence: message.sequence, now: now)
                }
                awaiting.removeAll()
                if lane.isIdle && held.isEmpty { break }
                let step = lane.nextStep(now: now)
                dropped += step.dropped
                if let message = step.message {
                    awaiting.append(message)
                    sendTimes.append(now)
                } else {
                    now = step.wakeAt ?? (now + .milliseconds(10))
                }
            }
            #expect(lane.isIdle && held.isEmpty)

            // Every offered record left exactly once: published or dropped.
            var seen: [RecordID: Int] = [:]
            for record in published + dropped.map(\.record) {
                seen[RecordID(partition: record.partition, offset: record.offset), default: 0] += 1
            }
            #expect(seen.count == offered.count)
            #expect(seen.values.allSatisfy { $0 == 1 })
            // Drops match the policies in force.
            for drop in dropped {
                switch drop.reason {
                case .overflowOldest: #expect(overflow == .dropOldest)
                case .overflowNewest: #expect(overflow == .dropNewest)
                case .expired: #expect(maxAge != nil)
                case .conflated: #expect(conflate)
                case .oversize: #expect(oversize != .split || (drop.record.value?.count ?? 0) > 10_000)
                case .rejected: break
                case .invalidStreamName, .unroutable, .undecodable: Issue.record("a lane never routes nor decodes")
                case .snapshotOversize, .snapshotRejected, .snapshotUnroutable: Issue.record("a lane has no snapshot")
                }
            }
            // Pacing held for every send, retries included.
            #expect(maximumInAnySecond(sendTimes) <= rate)
            // Decoding the accepted messages gives back exactly the published records, ordered per partition.
            var decoder = MessageDecoder(budget: budget)
            for sequence in accepted.keys.sorted() {
                do { try decoder.receive(accepted[sequence]!) } catch { Issue.record("\(error)") }
            }
            #expect(decoder.records.count == published.count)
            var lastOffset: [Int32: Int64] = [:]
            for decoded in decoder.records {
                guard let partition = (decoded.entry["p"] as? Int).map(Int32.init),
                    let offset = (decoded.entry["o"] as? Int).map(Int64.init),
                    let original = offered[RecordID(partition: partition, offset: offset)]
                else {
                    Issue.record("decoded a record that was never offered")
                    continue
                }
                #expect(MessageDecoder.matches(decoded.entry, original, format: format))
                #expect(offset > lastOffset[partition, default: -1], "order within partition \(partition)")
                lastOffset[partition] = offset
            }
            let publishedIDs = Set(published.map { RecordID(partition: $0.partition, offset: $0.offset) })
            #expect(publishedIDs.count == published.count)
        }
    }
}
