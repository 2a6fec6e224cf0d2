import RelayCore
import RelayTestSupport
import Testing

/// Decoding before routing: schemas fetched once per id while the records wait, undecodable records by policy and
/// reason, filters and shaping, and decoded values and keys naming streams.
@Suite struct RelayEngineDecodingTests {
    static let orderSchema = """
        {"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"status","type":"string"},
        {"name":"total","type":"long"},{"name":"pos","type":{"type":"record","name":"Pos","fields":[
        {"name":"lat","type":"double"},{"name":"lon","type":"double"}]}}]}
        """
    let p0 = TopicPartition(topic: "orders", partition: 0)
    let p1 = TopicPartition(topic: "orders", partition: 1)

    struct Driver {
        var engine: RelayEngine
        var now = Instant.seconds(1)
        var publishes: [PublishRequest] = []
        var creates: [String] = []
        var fetches: [UInt32] = []
        var letters: [DeadLetter] = []
        var reports: [EngineReport] = []
        var paused: Set<TopicPartition> = []

        mutating func handle(_ event: EngineEvent) {
            for action in engine.handle(event, now: now) {
                switch action {
                case .publish(let request): publishes.append(request)
                case .createStream(let name, _, _): creates.append(name)
                case .fetchSchema(let id): fetches.append(id)
                case .deadLetter(let letter): letters.append(letter)
                case .report(let report): reports.append(report)
                case .pause(let partitions): paused.formUnion(partitions)
                case .resume(let partitions): paused.subtract(partitions)
                default: break
                }
            }
        }

        mutating func accept() {
            while !creates.isEmpty || !publishes.isEmpty {
                let names = creates
                creates = []
                for name in names { handle(.streamCreateAnswered(stream: name, outcome: .accepted)) }
                let requests = publishes
                publishes = []
                for request in requests {
                    handle(.publishAnswered(stream: request.stream, sequence: request.sequence, outcome: .accepted))
                }
                sent += requests
            }
        }

        var sent: [PublishRequest] = []

        /// The `j` of every record entry sent so far, in order.
        func values() throws -> [JSONValue] {
            try sent.flatMap { request -> [JSONValue] in
                guard case .array(let entries)? = try JSONParser.parse(request.data)["r"] else { return [] }
                return entries.compactMap { $0["j"] }
            }
        }

        var undecodable: [String] {
            reports.compactMap { if case .undecodable(_, _, let reason) = $0 { reason } else { nil } }
        }
        var filtered: Int { reports.filter { if case .filtered = $0 { true } else { false } }.count }
    }

    func driver(
        _ defaults: [JSONMember] = [], deadLetters: Bool = false, cacheSize: Int = 1000,
        configure: (inout StreamSettings) -> Void
    ) -> Driver {
        var configuration = engineConfiguration(defaults: defaults, deadLetters: deadLetters)
        configuration.schemaRegistry = SchemaRegistryConfiguration(url: "http://127.0.0.1:1", cacheSize: cacheSize)
        configure(&configuration.defaults)
        let engine = RelayEngine(
            settings: .init(configuration: configuration, deadLetters: deadLetters, epoch: 1, handoffHold: .zero))
        var driver = Driver(engine: engine)
        driver.handle(
            .partitionsAssigned(
                [p0, p1], assignment: PartitionAssignment(partitions: [p0, p1], partitionCounts: ["orders": 2])))
        return driver
    }

    func order(_ id: String, status: String, total: Int64, lat: Double = 51.5) -> [UInt8] {
        AvroBinaryWriter.framed(
            schemaId: 7,
            AvroBinaryWriter.string(id) + AvroBinaryWriter.string(status) + AvroBinaryWriter.long(total)
                + AvroBinaryWriter.double(lat) + AvroBinaryWriter.double(-0.25))
    }

    func record(_ offset: Int64, _ value: [UInt8]?, key: [UInt8]? = nil, partition: Int32 = 0) -> SourceRecord {
        SourceRecord(topic: "orders", partition: partition, offset: offset, key: key, value: value)
    }

    static func avro() -> SchemaAnswer {
        .found(.avro(AvroDecoder(schema: try! AvroSchema(orderSchema))))
    }

    @Test func recordsWaitForTheirSchemaFetchedOnceThenFlowInOrder() throws {
        var driver = driver { $0.valueFormat = .avro }
        driver.handle(.recordsReceived((0..<3).map { record($0, order("o\($0)", status: "open", total: $0)) }))
        driver.handle(.recordsReceived([record(3, order("o3", status: "paid", total: 3))]))
        #expect(driver.fetches == [7], "one fetch for the id, however many records need it")
        #expect(driver.publishes.isEmpty && driver.creates.isEmpty)
        #expect(driver.paused.contains(p0), "the partition waits (nothing is committed past its records)")
        #expect(!driver.engine.isIdle)
        #expect(driver.engine.commitOffsets[p0] == nil)
        #expect(driver.engine.schemasAwaited == [7])

        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.accept()
        let values = try driver.values()
        #expect(values.map { $0["id"] } == ["o0", "o1", "o2", "o3"].map { .string($0) })
        #expect(
            values[1]
                == (try JSONParser.parse(#"{"id":"o1","status":"open","total":1,"pos":{"lat":51.5,"lon":-0.25}}"#)))
        #expect(driver.engine.commitOffsets[p0] == 4)
        #expect(!driver.paused.contains(p0))
        #expect(driver.engine.cachedSchemaCount == 1)

        driver.handle(.recordsReceived([record(4, order("o4", status: "open", total: 4))]))
        #expect(driver.fetches == [7], "a cached schema is not fetched again")
        driver.now = .seconds(3)
        driver.handle(.timeReached)
        driver.accept()
        #expect(driver.engine.commitOffsets[p0] == 5)
    }

    /// An unreachable registry is the engine's to retry (a wake, not a loop in the driver): the fetch is asked again
    /// after 1 s, 2 s, 4 s... up to a third of `unreadyAfter`, the records wait meanwhile, and a late answer lets
    /// them go.
    @Test func anUnreachableRegistryIsAskedAgainAfterABackoffWhileTheRecordsWait() throws {
        var driver = driver { $0.valueFormat = .avro }
        driver.handle(.recordsReceived([record(0, order("o0", status: "open", total: 1))]))
        #expect(driver.fetches == [7])
        var retries: [Double] = []
        var now = 1.0
        for _ in 0..<7 {
            driver.handle(.schemaUnavailable(id: 7))
            let before = driver.fetches.count
            while driver.fetches.count == before && now < 200 {
                now += 0.25
                driver.now = .seconds(now)
                driver.handle(.timeReached)
            }
            retries.append(now)
        }
        let waits = zip(retries, [1.0] + retries).map { $0 - $1 }
        #expect(waits == [1, 2, 4, 8, 10, 10, 10], "from 1 s, doubling, up to unreadyAfter / 3 (30 s / 3)")
        #expect(driver.fetches == Array(repeating: 7, count: 8))
        #expect(driver.publishes.isEmpty && driver.engine.commitOffsets[p0] == nil, "the record waits")
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.accept()
        #expect(try driver.values().count == 1)
        driver.handle(.schemaUnavailable(id: 7))
        driver.now = .seconds(now + 60)
        driver.handle(.timeReached)
        #expect(driver.fetches.count == 8, "an answered id is not fetched again by a stale retry")
    }

    @Test func aPartitionWaitingForASchemaDoesNotHoldUpTheOthers() throws {
        var driver = driver { $0.valueFormat = .auto }
        driver.handle(.recordsReceived([record(0, order("o0", status: "open", total: 1))]))
        driver.handle(.recordsReceived([record(0, Array(#"{"plain":true}"#.utf8), partition: 1)]))
        driver.accept()
        #expect(try driver.values() == [try JSONParser.parse(#"{"plain":true}"#)])
        #expect(driver.engine.commitOffsets[p1] == 1)
        #expect(driver.engine.commitOffsets[p0] == nil)
        driver.handle(
            .partitionsRevoked([p0], remaining: PartitionAssignment(partitions: [p1], partitionCounts: ["orders": 2])))
        driver.handle(.revokeDrainEnded([p0]))
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.accept()
        #expect(try driver.values().count == 1, "a revoked partition's waiting records are the next owner's")
    }

    @Test func undecodableRecordsAreDeadLetteredWithTheirReasonAndDetail() throws {
        var driver = driver(deadLetters: true) { $0.valueFormat = .avro }
        driver.handle(.recordsReceived([record(0, order("o0", status: "open", total: 1))]))
        driver.handle(
            .schemaAnswered(id: 7, answer: .refused(.unknownSchema, detail: "the registry has no schema id 7")))
        #expect(driver.undecodable == ["unknown-schema"])
        let letter = try #require(driver.letters.first)
        #expect(letter.reason == .undecodable)
        #expect(letter.detail?.hasPrefix("unknown-schema: value: schema id 7") == true)
        #expect(letter.record.value == order("o0", status: "open", total: 1), "dead letters are the record unchanged")
        #expect(driver.engine.commitOffsets[p0] == nil, "done only once the dead-letter topic has it")
        driver.handle(.deadLetterAnswered(id: letter.id, written: true))
        #expect(driver.engine.commitOffsets[p0] == 1)
        #expect(driver.creates.isEmpty && driver.publishes.isEmpty)
    }

    @Test func everyUndecodableReasonIsCountedAndDroppedByPolicy() throws {
        var driver = driver([JSONMember("undecodable", "drop")]) { $0.valueFormat = .avro }
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.handle(.schemaAnswered(id: 8, answer: .found(.jsonSchema)))
        driver.handle(.schemaAnswered(id: 9, answer: .refused(.unsupportedSchema, detail: "bad")))
        let good = order("o", status: "open", total: 1)
        driver.handle(
            .recordsReceived([
                record(0, Array(#"{"id":1}"#.utf8)),  // not-wire-format
                record(1, AvroBinaryWriter.framed(schemaId: 8, Array(#"{"id":1}"#.utf8))),  // wrong-schema-type
                record(2, Array(good.dropLast(3))),  // corrupt-payload (cut off)
                record(3, good + [0]),  // corrupt-payload (a byte left over)
                record(4, AvroBinaryWriter.framed(schemaId: 9, [])),  // unsupported-schema
                record(5, [0, 0]),  // not-wire-format (too short)
                record(6, good),
                record(7, nil),  // a tombstone is carried as one
            ]))
        #expect(
            driver.undecodable == [
                "not-wire-format", "wrong-schema-type", "corrupt-payload", "corrupt-payload", "unsupported-schema",
                "not-wire-format",
            ])
        let dropped = driver.reports.flatMap { report -> [DroppedRecord] in
            if case .dropped(_, let drops) = report { drops } else { [] }
        }
        #expect(dropped.count == 6 && dropped.allSatisfy { $0.reason == .undecodable })
        driver.accept()
        #expect(try driver.values().count == 1)
        #expect(driver.engine.commitOffsets[p0] == 8)

        var formats = self.driver([JSONMember("undecodable", "drop")]) { $0.valueFormat = .json }
        formats.handle(.recordsReceived([record(0, Array("not json".utf8)), record(1, Array("[1]".utf8))]))
        #expect(formats.undecodable == ["not-json"])
        var text = self.driver([JSONMember("undecodable", "drop")]) {
            $0.valueFormat = .text
            $0.keyFormat = .avro
        }
        text.handle(.recordsReceived([record(0, [0xFF, 0xFE]), record(1, Array("{}".utf8), key: Array("k".utf8))]))
        #expect(text.undecodable == ["not-text", "not-wire-format"])
    }

    @Test func textAndBytesFormatsCarryTheValueAsTheySay() throws {
        var driver = driver { $0.valueFormat = .text }
        driver.handle(.recordsReceived([record(0, Array(#"{"a":1}"#.utf8))]))
        driver.accept()
        let entry = try #require(
            try JSONParser.parse(driver.sent[0].data)["r"].flatMap {
                if case .array(let e) = $0 { e.first } else { nil }
            })
        #expect(entry["s"] == .string(#"{"a":1}"#), "format text carries even JSON as a string")
        var bytes = self.driver { $0.valueFormat = .bytes }
        bytes.handle(.recordsReceived([record(0, Array("hi".utf8))]))
        bytes.accept()
        let binary = try #require(
            try JSONParser.parse(bytes.sent[0].data)["r"].flatMap {
                if case .array(let e) = $0 { e.first } else { nil }
            })
        #expect(binary["b"] == .string("aGk="))
    }

    @Test func theFilterKeepsMatchingRecordsAndTheRestAreDoneAndCounted() throws {
        var driver = driver {
            $0.valueFormat = .avro
            $0.filter = try! RecordFilter(#"value("/status") == "open" and value("/total") >= 2"#)
        }
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.handle(
            .recordsReceived([
                record(0, order("a", status: "open", total: 1)), record(1, order("b", status: "open", total: 2)),
                record(2, order("c", status: "paid", total: 9)), record(3, order("d", status: "open", total: 30)),
            ]))
        driver.accept()
        #expect(try driver.values().map { $0["id"] } == [.string("b"), .string("d")])
        #expect(driver.filtered == 2)
        #expect(driver.engine.commitOffsets[p0] == 4, "filtered records are done")
    }

    @Test func selectAndDropShapeWhatMessagesCarry() throws {
        var driver = driver {
            $0.valueFormat = .avro
            $0.shape = ValueShape(
                select: [try! JSONPointer("/pos/lat"), try! JSONPointer("/id"), try! JSONPointer("/missing")],
                drop: [try! JSONPointer("/pos/lon")])
        }
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.handle(.recordsReceived([record(0, order("a", status: "open", total: 1))]))
        driver.accept()
        #expect(try driver.values() == [try JSONParser.parse(#"{"pos":{"lat":51.5},"id":"a"}"#)])

        var plain = self.driver { $0.shape = ValueShape(drop: [try! JSONPointer("/secret")]) }
        plain.handle(
            .recordsReceived([record(0, Array(#"{"secret":"x","keep":1}"#.utf8)), record(1, Array("text".utf8))]))
        plain.accept()
        #expect(try plain.values() == [try JSONParser.parse(#"{"keep":1}"#)], "plain JSON is shaped too; text is not")
    }

    @Test func decodedValuesAndKeysNameStreams() throws {
        var driver = driver([JSONMember("stream", "order-{value:/id}-{key}")]) {
            $0.valueFormat = .avro
            $0.keyFormat = .auto
        }
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.handle(.schemaAnswered(id: 5, answer: .found(.avro(AvroDecoder(schema: try! AvroSchema(#""string""#))))))
        let key = AvroBinaryWriter.framed(schemaId: 5, AvroBinaryWriter.string("eu/1"))
        driver.handle(.recordsReceived([record(0, order("a1", status: "open", total: 1), key: key)]))
        #expect(driver.creates == ["order-a1-eu~2F1"])
    }

    @Test func aRefusedSchemaIsAskedForAgainAfterAMinute() {
        var driver = driver([JSONMember("undecodable", "drop")]) { $0.valueFormat = .avro }
        driver.handle(.recordsReceived([record(0, order("a", status: "open", total: 1))]))
        driver.handle(.schemaAnswered(id: 7, answer: .refused(.unknownSchema, detail: "404")))
        driver.handle(.recordsReceived([record(1, order("b", status: "open", total: 1))]))
        #expect(driver.fetches == [7])
        #expect(driver.undecodable == ["unknown-schema", "unknown-schema"])
        driver.now = .seconds(62)
        driver.handle(.recordsReceived([record(2, order("c", status: "open", total: 1))]))
        #expect(driver.fetches == [7, 7], "registered late: asked again")
        driver.handle(.schemaAnswered(id: 7, answer: Self.avro()))
        driver.accept()
        #expect(driver.engine.commitOffsets[p0] == 3)
    }

    @Test func theSchemaCacheIsBoundedAndAnEvictedSchemaIsFetchedAgain() {
        var driver = driver(cacheSize: 10) { $0.valueFormat = .auto }
        let schema = SchemaAnswer.found(.avro(AvroDecoder(schema: try! AvroSchema(#""long""#))))
        for id in UInt32(1)...30 {
            driver.handle(.recordsReceived([record(Int64(id - 1), AvroBinaryWriter.framed(schemaId: id, [2]))]))
            driver.handle(.schemaAnswered(id: id, answer: schema))
        }
        #expect(driver.fetches == Array(1...30))
        #expect(driver.engine.cachedSchemaCount <= 10)
        driver.handle(.recordsReceived([record(30, AvroBinaryWriter.framed(schemaId: 30, [4]))]))
        #expect(driver.fetches.count == 30, "a recent schema is still cached")
        driver.handle(.recordsReceived([record(31, AvroBinaryWriter.framed(schemaId: 1, [6]))]))
        #expect(driver.fetches.last == 1 && driver.fetches.count == 31, "an evicted one is fetched again")
        driver.handle(.schemaAnswered(id: 1, answer: schema))
        driver.accept()
        driver.now = .seconds(5)
        driver.handle(.timeReached)
        driver.accept()
        #expect(driver.engine.commitOffsets[p0] == 32, "nothing lost on the way")
    }

    @Test func aReloadChangesTheFilterAndShapeLive() throws {
        var driver = driver { $0.filter = try! RecordFilter(#"value("/n") > 1"#) }
        driver.handle(.recordsReceived((0..<4).map { record($0, Array("{\"n\":\($0),\"x\":true}".utf8)) }))
        driver.accept()
        #expect(try driver.values().map { $0["n"] } == [.number("2"), .number("3")])
        var configuration = engineConfiguration(defaults: [], deadLetters: false)
        configuration.schemaRegistry = SchemaRegistryConfiguration(url: "http://127.0.0.1:1")
        configuration.defaults.shape = ValueShape(drop: [try JSONPointer("/x")])
        driver.handle(.configurationChanged(configuration))
        driver.handle(.recordsReceived((4..<6).map { record($0, Array("{\"n\":\($0),\"x\":true}".utf8)) }))
        driver.now = .seconds(3)
        driver.handle(.timeReached)
        driver.accept()
        let values = try driver.values()
        #expect(values.count == 4, "no filter any more")
        #expect(values.suffix(2) == [try JSONParser.parse(#"{"n":4}"#), try JSONParser.parse(#"{"n":5}"#)])
        #expect(driver.filtered == 2)
        #expect(driver.engine.commitOffsets[p0] == 6)
    }
}
