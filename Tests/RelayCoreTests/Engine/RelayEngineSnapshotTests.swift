import RelayCore
import RelayTestSupport
import Testing

/// Snapshots (decision 0012) through the whole engine on a manual clock: a record is done only when its stream
/// message and its snapshot change are; conflation; one pacer per object, shared by a Map's items; tombstones;
/// ordering across retries, 404s and restarts; a 429 honouring `Retry-After`; idle objects released.
@Suite struct RelayEngineSnapshotTests {
    static let orders = TopicPartition(topic: "orders", partition: 0)

    /// An engine driven by hand, collecting what it asks for.
    struct Driver {
        var engine: RelayEngine
        var now = Instant.seconds(1)
        var publishes: [PublishRequest] = []
        var creates: [String] = []
        var writes: [SnapshotRequest] = []
        var letters: [DeadLetter] = []
        var reports: [EngineReport] = []
        /// Every snapshot request sent, with when, by object.
        var sent: [String: [(at: Instant, request: SnapshotRequest)]] = [:]
        var wake: Instant?

        mutating func handle(_ event: EngineEvent) {
            for action in engine.handle(event, now: now) {
                switch action {
                case .publish(let request): publishes.append(request)
                case .createStream(let name, _, _): creates.append(name)
                case .writeSnapshot(let request):
                    writes.append(request)
                    sent[request.target.object, default: []].append((now, request))
                case .deadLetter(let letter): letters.append(letter)
                case .wake(let at): wake = at
                case .report(let report): reports.append(report)
                default: break
                }
            }
        }

        /// Moves the clock to `instant`, firing the wake-ups due on the way.
        mutating func advance(to instant: Instant) {
            while let at = wake, at <= instant {
                now = max(now, at)
                wake = nil
                handle(.timeReached)
            }
            now = instant
        }

        mutating func acceptStreams() {
            for name in creates { handle(.streamCreateAnswered(stream: name, outcome: .accepted)) }
            creates = []
            let requests = publishes
            publishes = []
            for request in requests {
                handle(.publishAnswered(stream: request.stream, sequence: request.sequence, outcome: .accepted))
            }
        }

        /// Takes the snapshot requests asked for so far.
        mutating func takeWrites() -> [SnapshotRequest] {
            defer { writes = [] }
            return writes
        }

        /// Answers every snapshot request as a Twilio that stores everything would, revision `r<id>`.
        mutating func storeAll() {
            for request in takeWrites() {
                let answer: SnapshotAnswer =
                    switch request.operation {
                    case .delete: .deleted
                    case .read: .missing
                    default: .stored(revision: "r\(request.id)")
                    }
                handle(.snapshotAnswered(id: request.id, answer: answer))
            }
        }

        var committed: Int64? { engine.commitOffsets[RelayEngineSnapshotTests.orders] }

        func count(_ result: SnapshotResult) -> Int {
            reports.reduce(0) { total, report in
                if case .snapshotFinished(_, result, let records, _) = report { total + records } else { total }
            }
        }

        var conflated: Int {
            reports.filter { if case .snapshotConflated = $0 { true } else { false } }.count
        }
    }

    func driver(
        _ snapshot: SnapshotSettings, deadLetters: Bool = false, defaults: [JSONMember] = [], owned: Int = 1,
        partitions: Int = 1
    ) -> Driver {
        var configuration = engineConfiguration(
            defaults: [JSONMember("stream", .string("orders"))] + defaults, deadLetters: deadLetters)
        configuration.defaults.snapshot = snapshot
        let engine = RelayEngine(
            settings: .init(configuration: configuration, deadLetters: deadLetters, handoffHold: .zero))
        var driver = Driver(engine: engine)
        let assigned = (0..<owned).map { TopicPartition(topic: "orders", partition: Int32($0)) }
        driver.handle(
            .partitionsAssigned(
                assigned,
                assignment: PartitionAssignment(partitions: Set(assigned), partitionCounts: ["orders": partitions])))
        return driver
    }

    static func map(rate: Int = 10, stream: Bool = true) -> SnapshotSettings {
        SnapshotSettings(
            kind: .map, name: try! StreamNameTemplate("vehicles"), key: try! StreamNameTemplate("{key}"),
            ttl: .seconds(3600), rate: rate, stream: stream)
    }

    static func documents(rate: Int = 10) -> SnapshotSettings {
        SnapshotSettings(kind: .document, name: try! StreamNameTemplate("vehicle-{key}"), rate: rate)
    }

    func record(_ offset: Int64, key: String, value: String? = nil) -> SourceRecord {
        SourceRecord(
            topic: "orders", partition: 0, offset: offset, timestamp: 1_700_000_000_000 + offset,
            key: Array(key.utf8), value: Array((value ?? "{\"n\":\(offset)}").utf8))
    }

    func tombstone(_ offset: Int64, key: String) -> SourceRecord {
        SourceRecord(topic: "orders", partition: 0, offset: offset, key: Array(key.utf8), value: nil)
    }

    // MARK: The record-done join

    @Test func aRecordIsDoneOnlyWhenItsStreamMessageAndItsSnapshotAreBoth() throws {
        var driver = driver(Self.map())
        driver.handle(.recordsReceived([record(0, key: "a")]))
        let createMap = try #require(driver.takeWrites().first)
        #expect(createMap.operation == .createMap)
        #expect(createMap.target == SnapshotTarget(kind: .map, object: "vehicles"))
        driver.handle(.snapshotAnswered(id: createMap.id, answer: .stored(revision: "m1")))
        let create = try #require(driver.writes.first)
        #expect(create.target == SnapshotTarget(kind: .map, object: "vehicles", key: "a"))
        #expect(create.ttl == .seconds(3600))
        guard case .create(let data) = create.operation else { Issue.record("not a create: \(create)"); return }
        let document = try JSONParser.parse(data)
        #expect(document["v"]?.numberText == "1")
        #expect(document["tp"] == .string("orders"))
        #expect(document["p"]?.numberText == "0")
        #expect(document["o"]?.numberText == "0")
        #expect(document["t"]?.numberText == "1700000000000")
        #expect(document["j"]?["n"]?.numberText == "0")
        #expect(SnapshotVersion(data: document) == SnapshotVersion(of: record(0, key: "a")))

        driver.acceptStreams()
        #expect(driver.committed == nil, "the stream accepted it, but its snapshot is not written")
        driver.storeAll()
        #expect(driver.committed == 1)
        #expect(driver.count(.written) == 1)
        #expect(driver.engine.isIdle)

        // The other order: the snapshot first, then the stream.
        driver.handle(.recordsReceived([record(1, key: "b")]))
        driver.storeAll()
        #expect(driver.committed == 1, "the snapshot is written, but its stream message is not accepted")
        driver.advance(to: driver.now + .seconds(1))  // the stream's pacer
        driver.acceptStreams()
        #expect(driver.committed == 2)
    }

    @Test func aSnapshotOnlyRouteCreatesNoStreamAndIsDoneWhenWritten() {
        var driver = driver(Self.map(stream: false))
        driver.handle(.recordsReceived([record(0, key: "a"), record(1, key: "b")]))
        driver.storeAll()  // the Map
        driver.storeAll()  // its items
        #expect(driver.creates.isEmpty && driver.publishes.isEmpty)
        #expect(driver.committed == 2)
        #expect(driver.count(.written) == 2)
    }

    // MARK: Conflation

    @Test func valuesWaitingBehindARequestInFlightConflateIntoTheNewest() throws {
        var driver = driver(Self.documents())
        driver.handle(.recordsReceived([record(0, key: "a")]))
        let first = try #require(driver.takeWrites().first)
        driver.handle(.recordsReceived((1...5).map { record($0, key: "a") }))
        #expect(driver.writes.isEmpty, "one request per entity in flight")
        driver.handle(.snapshotAnswered(id: first.id, answer: .stored(revision: "r1")))
        let second = try #require(driver.takeWrites().first)
        #expect(second.operation == .update(data: try #require(data(of: second)), ifMatch: "r1"))
        #expect(try JSONParser.parse(try #require(data(of: second)))["o"]?.numberText == "5")
        #expect(driver.conflated == 4)
        driver.handle(.snapshotAnswered(id: second.id, answer: .stored(revision: "r2")))
        driver.acceptStreams()
        #expect(driver.committed == 6)
        #expect(driver.count(.written) == 2, "the first value and the newest are written; the four between conflate")
    }

    func data(of request: SnapshotRequest) -> [UInt8]? {
        switch request.operation {
        case .create(let data), .update(let data, _): data
        default: nil
        }
    }

    // MARK: Pacing

    @Test func aMapsItemsShareOneBudgetAndNoWindowHoldsMoreThanItsRate() {
        var driver = driver(Self.map(rate: 5, stream: false))
        driver.handle(.recordsReceived((0..<40).map { record($0, key: "k\($0)") }))
        while driver.committed != 40, driver.now < .seconds(30) {
            driver.storeAll()
            driver.advance(to: driver.now + .milliseconds(10))
        }
        #expect(driver.committed == 40)
        let times = driver.sent["vehicles", default: []].map(\.at)
        #expect(times.count == 41)  // the Map and its 40 items
        for (index, start) in times.enumerated() {
            let inWindow = times[index...].prefix { $0 - start < ObjectPacer.defaultWindow }.count
            #expect(inWindow <= 5, "\(inWindow) writes in the window from \(start)")
        }
        // 41 one-unit writes at 5 per 1.1 s take at least 8 full windows.
        #expect(times.last! - times.first! >= .milliseconds(8 * 1100))
    }

    @Test func aMapFedByPartitionsOfSeveralMembersTakesThisMembersShareOfItsRate() {
        // 2 of 4 partitions: half of rate 10 (a Document named from the key is fed by one partition: its whole rate).
        var driver = driver(Self.map(rate: 10, stream: false), owned: 2, partitions: 4)
        driver.handle(.recordsReceived((0..<30).map { record($0, key: "k\($0)") }))
        while driver.committed != 30, driver.now < .seconds(30) {
            driver.storeAll()
            driver.advance(to: driver.now + .milliseconds(10))
        }
        let times = driver.sent["vehicles", default: []].map(\.at)
        let largest = times.indices.map { index in
            times[index...].prefix { $0 - times[index] < ObjectPacer.defaultWindow }.count
        }
        .max()
        #expect(largest == 5)
        // A rebalance that gives this member every partition gives the Map its whole rate.
        let all = (0..<4).map { TopicPartition(topic: "orders", partition: Int32($0)) }
        driver.handle(
            .partitionsAssigned(
                Array(all[2...]), assignment: PartitionAssignment(partitions: Set(all), partitionCounts: ["orders": 4]))
        )
        driver.advance(to: driver.now + .seconds(2))  // the last window empties
        let start = driver.sent["vehicles", default: []].count
        driver.handle(.recordsReceived((30..<60).map { record($0, key: "k\($0)") }))
        #expect(driver.sent["vehicles", default: []].count - start == 10)
    }

    @Test func documentsHaveABudgetEachAndLargeValuesCostMore() {
        var driver = driver(Self.documents(rate: 10))
        let large = "{\"blob\":\"" + String(repeating: "x", count: 6000) + "\"}"
        driver.handle(
            .recordsReceived((0..<20).map { record($0, key: "k\($0)") } + [record(20, key: "big", value: large)]))
        #expect(driver.writes.count == 21, "20 Documents at once, each its own budget, and the first large value")
        driver.handle(.recordsReceived((21..<23).map { record($0, key: "big", value: large) }))
        while driver.committed != 23, driver.now < .seconds(30) {
            driver.storeAll()
            driver.acceptStreams()
            driver.advance(to: driver.now + .milliseconds(10))
        }
        #expect(driver.committed == 23)
        let largeSends = driver.sent["vehicle-big", default: []].map(\.at)
        // Two 6 KiB writes do not fit in one window of 10 KiB: the second waits for the first to leave it.
        #expect(largeSends.count == 2, "the last two large values conflate while the first is in flight")
        #expect(largeSends[1] - largeSends[0] >= ObjectPacer.defaultWindow)
    }

    @Test func a429StopsTheObjectUntilRetryAfterAndLosesNothing() throws {
        var driver = driver(Self.documents())
        driver.handle(.recordsReceived([record(0, key: "a")]))
        let first = try #require(driver.takeWrites().first)
        driver.handle(
            .snapshotAnswered(
                id: first.id, answer: .failed(.rateLimited(scope: .stream, retryAfter: .seconds(3)))))
        driver.handle(.recordsReceived([record(1, key: "a")]))
        driver.advance(to: driver.now + .milliseconds(2990))
        #expect(driver.writes.isEmpty, "nothing before Retry-After")
        driver.advance(to: driver.now + .milliseconds(20))
        let retry = try #require(driver.takeWrites().first)
        #expect(retry.attempt == 2)
        #expect(try JSONParser.parse(try #require(data(of: retry)))["o"]?.numberText == "1")
        driver.handle(.snapshotAnswered(id: retry.id, answer: .stored(revision: "r2")))
        driver.acceptStreams()
        #expect(driver.committed == 2)
        #expect(
            driver.reports.contains { if case .snapshotRetried(_, "object-rate-limited") = $0 { true } else { false } })
    }

    // MARK: Order and existence

    @Test func aValueOlderThanTwiliosCopyIsSupersededWithoutAWrite() throws {
        // A restart: the entity exists with a newer value (offset 7) than the one consumed again (offset 5).
        var driver = driver(Self.documents())
        driver.handle(.recordsReceived([record(5, key: "a")]))
        let create = try #require(driver.takeWrites().first)
        driver.handle(.snapshotAnswered(id: create.id, answer: .exists))
        let read = try #require(driver.takeWrites().first)
        #expect(read.operation == .read)
        let newer = SnapshotVersion(topic: "orders", partition: 0, offset: 7)
        driver.handle(.snapshotAnswered(id: read.id, answer: .current(revision: "r9", version: newer)))
        #expect(driver.writes.isEmpty)
        #expect(driver.count(.superseded) == 1)
        // A newer value is written over it with If-Match; a 412 (another writer) reads again first.
        driver.handle(.recordsReceived([record(8, key: "a")]))
        let update = try #require(driver.takeWrites().first)
        #expect(update.operation == .update(data: try #require(data(of: update)), ifMatch: "r9"))
        driver.handle(.snapshotAnswered(id: update.id, answer: .changed))
        let reread = try #require(driver.takeWrites().first)
        #expect(reread.operation == .read)
        let newest = SnapshotVersion(topic: "orders", partition: 0, offset: 9)
        driver.handle(.snapshotAnswered(id: reread.id, answer: .current(revision: "r10", version: newest)))
        #expect(driver.writes.isEmpty, "offset 8 is older than the 9 another writer stored")
        #expect(driver.count(.superseded) == 2)
    }

    @Test func anEntityThatExpiredIsCreatedAgain() throws {
        var driver = driver(Self.documents())
        driver.handle(.recordsReceived([record(0, key: "a")]))
        driver.storeAll()
        driver.handle(.recordsReceived([record(1, key: "a")]))
        let update = try #require(driver.takeWrites().first)
        driver.handle(.snapshotAnswered(id: update.id, answer: .missing))
        let create = try #require(driver.takeWrites().first)
        guard case .create = create.operation else { Issue.record("not a create: \(create)"); return }
        driver.handle(.snapshotAnswered(id: create.id, answer: .stored(revision: "r3")))
        driver.acceptStreams()
        #expect(driver.committed == 2)
    }

    @Test func aMapThatVanishedIsCreatedAgainBeforeItsItems() throws {
        var driver = driver(Self.map(stream: false))
        driver.handle(.recordsReceived([record(0, key: "a")]))
        driver.storeAll()
        driver.storeAll()
        driver.handle(.recordsReceived([record(1, key: "a")]))
        let update = try #require(driver.takeWrites().first)
        driver.handle(.snapshotAnswered(id: update.id, answer: .mapMissing))
        let createMap = try #require(driver.takeWrites().first)
        #expect(createMap.operation == .createMap)
        driver.handle(.snapshotAnswered(id: createMap.id, answer: .stored(revision: "m2")))
        let again = try #require(driver.takeWrites().first)
        #expect(again.target.key == "a")
        driver.handle(.snapshotAnswered(id: again.id, answer: .missing))
        driver.storeAll()
        #expect(driver.committed == 2)
    }

    @Test func aTombstoneDeletesAtTheKnownRevisionOrReadsFirst() throws {
        var driver = driver(Self.map(stream: false))
        driver.handle(.recordsReceived([record(0, key: "a")]))
        driver.storeAll()
        driver.storeAll()
        driver.handle(.recordsReceived([tombstone(1, key: "a")]))
        let delete = try #require(driver.takeWrites().first)
        #expect(delete.operation == .delete(ifMatch: "r2"))
        driver.handle(.snapshotAnswered(id: delete.id, answer: .deleted))
        #expect(driver.count(.deleted) == 1)
        #expect(driver.committed == 2)
        // Knowing nothing of "b", its tombstone reads first: 404 means nothing to delete.
        driver.handle(.recordsReceived([tombstone(2, key: "b")]))
        let read = try #require(driver.takeWrites().first)
        #expect(read.operation == .read)
        driver.handle(.snapshotAnswered(id: read.id, answer: .missing))
        #expect(driver.writes.isEmpty)
        #expect(driver.committed == 3)
    }

    // MARK: Policies

    @Test func aValueOver16KiBIsDroppedByPolicyAndCounted() {
        var driver = driver(
            SnapshotSettings(
                kind: .document, name: try! StreamNameTemplate("vehicle-{key}"), oversize: .drop, stream: false))
        let huge = "{\"blob\":\"" + String(repeating: "x", count: 17_000) + "\"}"
        driver.handle(.recordsReceived([record(0, key: "a", value: huge)]))
        #expect(driver.writes.isEmpty)
        #expect(driver.committed == 1)
        #expect(
            driver.reports.contains {
                if case .dropped(_, let drops) = $0 { drops.first?.reason == .snapshotOversize } else { false }
            })
    }

    @Test func aRefusedWriteIsDeadLetteredAndItsRecordDoneOnlyThen() throws {
        var driver = driver(Self.documents(), deadLetters: true)
        driver.handle(.recordsReceived([record(0, key: "a")]))
        let create = try #require(driver.takeWrites().first)
        driver.handle(.snapshotAnswered(id: create.id, answer: .failed(.invalid(status: 400, twilioCode: 54008))))
        driver.acceptStreams()
        let letter = try #require(driver.letters.first)
        #expect(letter.reason == .snapshotRejected)
        #expect(driver.committed == nil)
        driver.handle(.deadLetterAnswered(id: letter.id, written: true))
        #expect(driver.committed == 1)
    }

    @Test func aRecordWithoutAKeyForAKeyedNameIsUnroutableAndDone() {
        var driver = driver(Self.documents())
        driver.handle(
            .recordsReceived([SourceRecord(topic: "orders", partition: 0, offset: 0, value: Array("{}".utf8))]))
        driver.acceptStreams()
        #expect(driver.writes.isEmpty)
        #expect(driver.committed == 1)
        #expect(
            driver.reports.contains {
                if case .dropped(_, let drops) = $0 { drops.first?.reason == .snapshotUnroutable } else { false }
            })
    }

    // MARK: Memory

    @Test func anIdleObjectIsReleasedAndItsEntityRemembered() throws {
        var driver = driver(Self.documents())
        driver.handle(.recordsReceived([record(0, key: "a")]))
        driver.storeAll()
        driver.acceptStreams()
        #expect(driver.engine.snapshotCounts.objects == 1, "its pacer's window has not emptied")
        driver.advance(to: driver.now + .seconds(2))
        #expect(driver.engine.snapshotCounts.objects == 0)
        #expect(driver.engine.snapshotCounts.entities == 0)
        #expect(driver.engine.snapshotCounts.remembered == 1)
        // Remembered: the next value updates at the revision it knew, with no create first.
        driver.handle(.recordsReceived([record(1, key: "a")]))
        let update = try #require(driver.takeWrites().first)
        #expect(update.operation == .update(data: try #require(data(of: update)), ifMatch: "r1"))
    }
}
