import RelayCore
import Testing

/// A reloaded configuration applied live (`EngineEvent.configurationChanged`): new settings take effect, and no
/// record is lost or sent twice across the change.
@Suite struct RelayEngineReloadTests {
    let orders = TopicPartition(topic: "orders", partition: 0)

    /// Drives `engine` with a manual clock: answers every publish and create at once, wakes it when it asks,
    /// until `until` or nothing is due; records each publish with its instant.
    struct Driver {
        var engine: RelayEngine
        var clock = ManualClock(start: .seconds(1))
        var sent: [(at: Instant, request: PublishRequest)] = []
        /// The TTLs of the refreshes asked for (each answered as accepted).
        var refreshes: [Duration] = []
        var wake: Instant?

        mutating func run(_ actions: [EngineAction]) {
            var queue = actions
            while !queue.isEmpty {
                let action = queue.removeFirst()
                switch action {
                case .publish(let request):
                    sent.append((clock.now, request))
                    queue += engine.handle(
                        .publishAnswered(stream: request.stream, sequence: request.sequence, outcome: .accepted),
                        now: clock.now)
                case .createStream(let name, _, _):
                    queue += engine.handle(.streamCreateAnswered(stream: name, outcome: .accepted), now: clock.now)
                case .refreshTTL(let name, let ttl):
                    refreshes.append(ttl)
                    queue += engine.handle(.ttlRefreshAnswered(stream: name, outcome: .accepted), now: clock.now)
                case .wake(let at):
                    wake = at
                default:
                    break
                }
            }
        }

        mutating func handle(_ event: EngineEvent) { run(engine.handle(event, now: clock.now)) }

        mutating func advance(until end: Instant) {
            while let at = wake, at <= end {
                clock.advance(to: at)
                wake = nil
                handle(.timeReached)
            }
            clock.advance(to: end)
        }

        /// The offsets each published message carried, in order (message format: `{"r":[{"o":offset,...}]}`).
        func numbers(_ stream: String) -> [Int] {
            sent.filter { $0.request.stream == stream }.flatMap { Self.values(in: $0.request.data) }
        }

        static func values(in data: [UInt8]) -> [Int] {
            guard case .object(let members)? = try? JSONParser.parse(data),
                case .array(let entries)? = members.first(where: { $0.key == "r" })?.value
            else { return [] }
            return entries.compactMap { entry in
                guard case .object(let fields) = entry,
                    case .object(let value)? = fields.first(where: { $0.key == "j" })?.value,
                    case .number(let text)? = value.first(where: { $0.key == "n" })?.value
                else { return nil }
                return Int(text)
            }
        }
    }

    func records(_ offsets: Range<Int64>, topic: String = "orders") -> [SourceRecord] {
        offsets.map {
            SourceRecord(
                topic: topic, partition: 0, offset: $0, key: Array("k\($0)".utf8), value: Array("{\"n\":\($0)}".utf8))
        }
    }

    func driver(_ defaults: [JSONMember]) -> Driver {
        var engine = RelayEngine(
            settings: .init(
                configuration: engineConfiguration(defaults: defaults, deadLetters: false), deadLetters: false,
                handoffHold: .zero))
        _ = engine.handle(
            .partitionsAssigned(
                [orders], assignment: PartitionAssignment(partitions: [orders], partitionCounts: ["orders": 1])),
            now: .zero)
        return Driver(engine: engine)
    }

    @Test func aRateChangeAppliesToTheBacklogWithoutLosingOrRepeatingARecord() {
        let one = JSONMember("maxRecordsPerMessage", .number("1"))
        var driver = driver([one, JSONMember("rate", .number("5"))])
        driver.handle(.recordsReceived(records(0..<120)))
        driver.advance(until: .seconds(5))
        let slow = driver.sent.count
        #expect(slow >= 18 && slow <= 21, "four seconds at 5/s (less the margin), plus the first: \(slow)")
        driver.handle(
            .configurationChanged(
                engineConfiguration(defaults: [one, JSONMember("rate", .number("30"))], deadLetters: false)))
        driver.advance(until: .seconds(6))
        let fast = driver.sent.count - slow
        #expect(fast >= 27 && fast <= 30, "the next second at 30/s: \(fast)")
        driver.advance(until: .seconds(20))
        #expect(driver.numbers("orders") == Array(0..<120), "every record once, in order")
        #expect(maximumInAnySecond(driver.sent.map(\.at)) <= 30)
        #expect(driver.engine.commitOffsets[orders] == 120)
    }

    /// A stream whose partition was away (revoked) when the reload came takes the new settings with its next record.
    @Test func aStreamWithoutPartitionsTakesTheNewSettingsWhenItsRecordsReturn() {
        let one = JSONMember("maxRecordsPerMessage", .number("1"))
        var driver = driver([one, JSONMember("rate", .number("5"))])
        driver.handle(.recordsReceived(records(0..<3)))
        driver.advance(until: .seconds(2))
        #expect(driver.numbers("orders") == [0, 1, 2])
        driver.handle(.partitionsRevoked([orders], remaining: PartitionAssignment()))
        driver.handle(.revokeDrainEnded([orders]))
        driver.handle(
            .configurationChanged(
                engineConfiguration(defaults: [one, JSONMember("rate", .number("30"))], deadLetters: false)))
        driver.handle(
            .partitionsAssigned(
                [orders], assignment: PartitionAssignment(partitions: [orders], partitionCounts: ["orders": 1])))
        driver.handle(.recordsReceived(records(3..<63)))
        let before = driver.sent.count
        driver.advance(until: driver.clock.now + .seconds(1))
        #expect(driver.sent.count - before >= 27, "the new rate: \(driver.sent.count - before) in a second")
        driver.advance(until: driver.clock.now + .seconds(5))
        #expect(driver.numbers("orders") == Array(0..<63))
    }

    /// Twilio holds the TTL the stream was created with: a reload that changes it sets the new one with the next
    /// accepted publish (also 0, never expire, which a refresh cycle alone would never send).
    @Test func aNewTTLIsSetAtTwilioWithTheNextAcceptedPublish() {
        let one = JSONMember("maxRecordsPerMessage", .number("1"))
        var driver = driver([one, JSONMember("ttl", .string("1h"))])
        driver.handle(.recordsReceived(records(0..<2)))
        driver.advance(until: .seconds(2))
        #expect(driver.refreshes.isEmpty, "just created with its TTL")
        var next: Int64 = 2
        for (ttl, expected) in [("24h", Duration.seconds(86_400)), ("0s", .zero)] {
            driver.handle(
                .configurationChanged(
                    engineConfiguration(defaults: [one, JSONMember("ttl", .string(ttl))], deadLetters: false)))
            #expect(driver.refreshes.last != expected, "not before a publish is accepted")
            driver.handle(.recordsReceived(records(next..<(next + 1))))
            next += 1
            driver.advance(until: driver.clock.now + .seconds(1))
            #expect(driver.refreshes.last == expected, "\(ttl): \(driver.refreshes)")
        }
        driver.handle(.recordsReceived(records(next..<(next + 3))))
        driver.advance(until: driver.clock.now + .seconds(1))
        #expect(driver.refreshes == [.seconds(86_400), .zero], "once each, then none (0: never expires)")
    }

    @Test func aNewTemplateSendsNewRecordsToTheNewStreamAndTheOldOneFinishesWhatItHolds() {
        let one = JSONMember("maxRecordsPerMessage", .number("1"))
        var driver = driver([one, JSONMember("rate", .number("10"))])
        driver.handle(.recordsReceived(records(0..<30)))
        driver.advance(until: .seconds(1.5))
        driver.handle(
            .configurationChanged(
                engineConfiguration(
                    defaults: [one, JSONMember("rate", .number("10")), JSONMember("stream", .string("{topic}-v2"))],
                    deadLetters: false)))
        driver.handle(.recordsReceived(records(30..<40)))
        driver.advance(until: .seconds(10))
        let old = driver.numbers("orders")
        let new = driver.numbers("orders-v2")
        #expect(old == Array(0..<30), "what the old stream held, once and in order")
        #expect(new == Array(30..<40))
        #expect(driver.engine.commitOffsets[orders] == 40)
    }

    /// Queued records are encoded again for the new format, so it applies from the next message even under a
    /// backlog; only the message already in flight went out as it was.
    @Test func aNewFormatAppliesToTheQueuedRecordsFromTheNextMessage() throws {
        let one = JSONMember("maxRecordsPerMessage", .number("1"))
        var driver = driver([one, JSONMember("rate", .number("10"))])
        driver.handle(.recordsReceived(records(0..<5)))
        driver.handle(
            .configurationChanged(
                engineConfiguration(
                    defaults: [
                        one, JSONMember("rate", .number("10")),
                        JSONMember("format", .object([JSONMember("key", .bool(true))])),
                    ],
                    deadLetters: false)))
        driver.advance(until: .seconds(3))
        driver.handle(.recordsReceived(records(5..<6)))
        driver.advance(until: .seconds(4))
        let withKey = driver.sent.map { String(decoding: $0.request.data, as: UTF8.self).contains("\"k\":") }
        #expect(
            withKey == [false, true, true, true, true, true],
            "\(driver.sent.map { String(decoding: $0.request.data, as: UTF8.self) })")
        #expect(driver.numbers("orders") == Array(0..<6))
    }
}
