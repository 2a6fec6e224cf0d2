import RelayCore

/// Decoding (Schema Registry Avro to JSON) and shaping throughput, and the fill `select` gains on a wide record.
enum DecodingBenchmarks {
    /// A typical 20-field event: ids, enums, amounts, timestamps, a nested address, an optional note.
    static let schema = """
        {"type":"record","name":"Event","namespace":"bench","fields":[
          {"name":"id","type":"string"},{"name":"account","type":"string"},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["CREATED","UPDATED","DELETED"]}},
          {"name":"status","type":"string"},{"name":"sequence","type":"long"},{"name":"attempt","type":"int"},
          {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
          {"name":"currency","type":"string"},{"name":"lat","type":"double"},{"name":"lon","type":"double"},
          {"name":"speed","type":"float"},{"name":"active","type":"boolean"},
          {"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"updatedAt","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"trace","type":{"type":"string","logicalType":"uuid"}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"address","type":{"type":"record","name":"Address","fields":[
            {"name":"city","type":"string"},{"name":"country","type":"string"}]}},
          {"name":"note","type":["null","string"]},{"name":"source","type":"string"}
        ]}
        """

    /// `count` records of the 20-field event in the wire format of schema id 1.
    static func avroRecords(count: Int) -> [SourceRecord] {
        (0..<count).map { n in
            var payload = AvroBinaryWriter.string("evt-\(n)") + AvroBinaryWriter.string("acct-\(n % 977)")
            payload += AvroBinaryWriter.long(Int64(n % 3)) + AvroBinaryWriter.string(n % 2 == 0 ? "open" : "settled")
            payload += AvroBinaryWriter.long(Int64(n)) + AvroBinaryWriter.long(Int64(n % 4))
            payload += AvroBinaryWriter.decimal(unscaled: Int64(n * 37 % 1_000_000)) + AvroBinaryWriter.string("EUR")
            payload += AvroBinaryWriter.double(52.52 + Double(n % 100) / 1000) + AvroBinaryWriter.double(13.405)
            payload += withUnsafeBytes(of: Float(42.5).bitPattern.littleEndian) { Array($0) } + [1]
            payload +=
                AvroBinaryWriter.long(1_765_000_000_000 + Int64(n)) + AvroBinaryWriter.long(1_765_000_000_000_000)
            payload += AvroBinaryWriter.long(20_428) + AvroBinaryWriter.string("123e4567-e89b-12d3-a456-426614174000")
            payload += AvroBinaryWriter.long(2) + AvroBinaryWriter.string("a") + AvroBinaryWriter.string("b") + [0]
            payload += AvroBinaryWriter.string("Berlin") + AvroBinaryWriter.string("DE")
            payload += n % 5 == 0 ? AvroBinaryWriter.long(1) + AvroBinaryWriter.string("checked") : [0]
            payload += AvroBinaryWriter.string("bench")
            return SourceRecord(
                topic: "events", partition: 0, offset: Int64(n), value: AvroBinaryWriter.framed(schemaId: 1, payload))
        }
    }

    static func settings(_ change: (inout StreamSettings) -> Void = { _ in }) -> StreamSettings {
        let text =
            #"{"kafka":{"brokers":["127.0.0.1:9092"],"topics":["events"]},"twilio":{"accountSid":"ACa1b2c3d4e5f60718293a4b5c6d7e8f90","authToken":"x","serviceSid":"default"}}"#
        var settings = try! ConfigurationLoader(environment: [:]).load(
            bytes: Array(text.utf8), source: "bench", directory: nil
        ).defaults
        change(&settings)
        return settings
    }

    /// Records decoded (Avro to JSON) and packed into full messages per second on one core, and the mean JSON size.
    /// With `shaped`, the route also filters and selects (the document path).
    static func decodeAndPackRate(count: Int, shaped: Bool = false) -> (rate: Double, jsonBytes: Double) {
        let records = avroRecords(count: count)
        let schema = RegistrySchema.avro(AvroDecoder(schema: try! AvroSchema(Self.schema)))
        let preparation = RecordPreparation(
            settings: settings {
                $0.valueFormat = .avro
                if shaped {
                    $0.filter = try! RecordFilter(#"value("/kind") != "DELETED" or value("/sequence") >= 0"#)
                    $0.shape = ValueShape(
                        select: ["/id", "/status", "/amount", "/address/city"].map { try! JSONPointer($0) })
                }
            }, registry: true)
        var jsonBytes = 0
        let rate = Measure.bestRate {
            var prepared: [SourceRecord] = []
            prepared.reserveCapacity(records.count)
            jsonBytes = 0
            for record in records {
                guard case .ready(let decoded, _) = preparation.prepare(record, lookup: { _ in .ready(schema) })
                else { fatalError("the benchmark's record does not decode") }
                if case .json(let text)? = decoded.carried?.value { jsonBytes += text.count }
                prepared.append(decoded)
            }
            return PackingBenchmarks.encodeAndPack(prepared, packer: MessagePacker())
        }
        return (rate, Double(jsonBytes) / Double(count))
    }

    /// A wide record (60 fields, about 1.6 KB of JSON) packed whole and with `select` of 5 fields: records per
    /// message and messages per 10,000 records, each way.
    static func selectFill(count: Int) -> (
        whole: (perMessage: Double, messages: Int), selected: (perMessage: Double, messages: Int)
    ) {
        let records = (0..<count).map { n in
            var fields = ["\"id\":\"w-\(n)\"", "\"status\":\"open\"", "\"lat\":52.52", "\"lon\":13.405"]
            for field in 0..<56 { fields.append("\"attribute\(field)\":\"value-\(field)-\(n % 1000)\"") }
            return SourceRecord(
                topic: "events", partition: 0, offset: Int64(n),
                value: Array(("{" + fields.joined(separator: ",") + "}").utf8))
        }
        func pack(_ settings: StreamSettings) -> (Double, Int) {
            let preparation = RecordPreparation(settings: settings, registry: false)
            let packer = MessagePacker()
            var messages = 1
            var builder = packer.makeBuilder(sequence: 1)
            for record in records {
                guard case .ready(let prepared, _) = preparation.prepare(record, lookup: { _ in .pending }) else {
                    fatalError("the benchmark's record does not prepare")
                }
                let entry = packer.encode(prepared)
                if !builder.append(entry: entry) {
                    benchmarkSink &+= builder.finish().count
                    messages += 1
                    builder = packer.makeBuilder(sequence: UInt64(messages))
                    builder.append(entry: entry)
                }
            }
            benchmarkSink &+= builder.finish().count
            return (Double(records.count) / Double(messages), messages)
        }
        let select = ["/id", "/status", "/lat", "/lon", "/attribute7"].map { try! JSONPointer($0) }
        return (pack(settings()), pack(settings { $0.shape = ValueShape(select: select) }))
    }
}
