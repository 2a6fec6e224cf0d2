import Foundation
import RelayCore
import RelaySync
import RelayTestSupport
import SyncEmulator
import Testing

/// The relay's registry client and decoders against records that Confluent's official serializers (Python
/// confluent-kafka: AvroSerializer, JSONSerializer, ProtobufSerializer) registered and serialized against the
/// registry emulator: the real wire format.
@Suite("Schema Registry decoding of the official serializers' records", .timeLimit(.minutes(2)))
struct SchemaRegistryDecodingTests {
    @Test func decodesEveryCaseTheOfficialSerializersProduce() async throws {
        let registry = RegistryEmulator()
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let cases = try await OfficialSerializers.produce(registryURL: url)
            #expect(cases.count >= 12)
            #expect(Set(cases.map { $0.name.split(separator: "-")[0] }) == ["avro", "json", "protobuf"])
            let http = try CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            let client = SchemaRegistryClient(configuration: Self.configuration(url), http: http)
            var schemas: [UInt32: RegistrySchema] = [:]
            for serialized in cases {
                let id = try #require(ConfluentFrame(serialized.bytes)).schemaId
                if schemas[id] == nil { schemas[id] = try RegistrySchema(try await client.document(id: id)) }
                let record = SourceRecord(topic: serialized.topic, partition: 0, offset: 0, value: serialized.bytes)
                let preparation = RecordPreparation(settings: Self.settings(), registry: true)
                guard case .ready(let prepared, _) = preparation.prepare(record, lookup: { .ready(schemas[$0]!) }),
                    case .json(let text)? = prepared.carried?.value
                else {
                    Issue.record("\(serialized.name) was not decoded")
                    continue
                }
                let decoded = try JSONParser.parse(text)
                #expect(
                    OfficialSerializers.sameJSON(decoded, serialized.expected),
                    "\(serialized.name): \(String(decoding: text, as: UTF8.self)) != \(serialized.expected.text())")
            }
            // The referencing schema's document carries the referenced subject's text.
            let reference = try #require(cases.first { $0.name == "avro-reference" })
            let document = try await client.document(id: try #require(ConfluentFrame(reference.bytes)).schemaId)
            #expect(document.references.count == 1)
            #expect(document.references[0].contains("Address"))
        }
    }

    @Test func tellsAMissingIdFromAnUnavailableRegistry() async throws {
        let registry = RegistryEmulator(credentials: ("relay", "s3cret"))
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let http = try CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            var configuration = Self.configuration(url)
            configuration.username = "relay"
            configuration.password = SecretText("s3cret")
            let client = SchemaRegistryClient(configuration: configuration, http: http)
            let id = UInt32(registry.register(subject: "a-value", text: #""string""#))
            #expect(try await client.document(id: id).text == #""string""#)
            guard case .notFound? = await Self.failure(client, id: 99) else {
                Issue.record("an unknown id is not notFound")
                return
            }
            let anonymous = SchemaRegistryClient(configuration: Self.configuration(url), http: http)
            guard case .unavailable(let refused)? = await Self.failure(anonymous, id: id) else {
                Issue.record("refused credentials are not unavailable")
                return
            }
            #expect(refused.contains("credentials"))
            registry.setFault(.unavailable)
            guard case .unavailable(let outage)? = await Self.failure(client, id: id) else {
                Issue.record("a 503 is not unavailable")
                return
            }
            #expect(outage.contains("503"))
            registry.setFault(.none)
            #expect(await Self.failure(client, id: id) == nil)
            let closed = SchemaRegistryClient(configuration: Self.configuration("http://127.0.0.1:1"), http: http)
            guard case .unavailable? = await Self.failure(closed, id: id) else {
                Issue.record("a closed port is not unavailable")
                return
            }
        }
    }

    /// A registry that serves Protobuf only as `.proto` text (no `format=serialized`): values are carried as base64
    /// with their schema id and message indexes, not refused.
    @Test func protobufWithoutASerializedSchemaIsCarriedAsBytes() async throws {
        let registry = RegistryEmulator()
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let http = try CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            let client = SchemaRegistryClient(configuration: Self.configuration(url), http: http)
            let id = UInt32(
                registry.register(
                    subject: "p-value", type: "PROTOBUF", text: #"syntax = "proto3"; message M { int32 a = 1; }"#))
            let document = try await client.document(id: id)
            #expect(document.type == .protobuf && document.text.contains("message M"))
            let schema = try RegistrySchema(document)
            guard case .protobuf(nil) = schema else {
                Issue.record("a .proto text schema should be carried as bytes")
                return
            }
            let record = SourceRecord(
                topic: "p", partition: 0, offset: 0, value: AvroBinaryWriter.framed(schemaId: id, [0, 0x08, 0x05]))
            let preparation = RecordPreparation(settings: Self.settings(), registry: true)
            guard case .ready(let prepared, _) = preparation.prepare(record, lookup: { _ in .ready(schema) }),
                case .json(let text)? = prepared.carried?.value
            else {
                Issue.record("not carried")
                return
            }
            #expect(
                String(decoding: text, as: UTF8.self)
                    == #"{"schemaId":\#(id),"messageIndexes":[0],"protobuf":"CAU="}"#)
        }
    }

    /// Mutated Protobuf payloads and descriptors (from the official serializer's) are decoded or refused, never a
    /// crash or a hang.
    @Test func mutatedProtobufPayloadsAndDescriptorsAreDecodedOrRefused() async throws {
        let registry = RegistryEmulator()
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let cases = try await OfficialSerializers.produce(registryURL: url, which: "protobuf")
            let http = try CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            let client = SchemaRegistryClient(configuration: Self.configuration(url), http: http)
            let full = try #require(cases.first { $0.name == "protobuf-full" })
            let frame = try #require(ConfluentFrame(full.bytes))
            let document = try await client.document(id: frame.schemaId)
            guard case .protobuf(let decoder?) = try RegistrySchema(document) else {
                Issue.record("the serialized schema did not give a decoder")
                return
            }
            var rng = SeededGenerator(seed: 7)
            var outcomes = (decoded: 0, refused: 0)
            for _ in 0..<3000 {
                var bytes = full.bytes
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let index = Int.random(in: 6..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.removeSubrange(index..<min(bytes.count, index + Int.random(in: 1...8, using: &rng)))
                    default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
                    }
                    if bytes.count < 8 { break }
                }
                do {
                    let value = try decoder.decode(bytes, from: 6, indexes: [0])
                    #expect(try JSONParser.parse(value.compactBytes) == value)
                    outcomes.decoded += 1
                } catch {
                    outcomes.refused += 1
                }
            }
            #expect(outcomes.decoded > 0 && outcomes.refused > 0, "\(outcomes)")
            let descriptor = try #require(Base64.decode(document.text))
            var parsed = 0
            for _ in 0..<2000 {
                var mutated = descriptor
                let index = Int.random(in: 0..<mutated.count, using: &rng)
                mutated[index] = UInt8.random(in: 0...255, using: &rng)
                if Bool.random(using: &rng) { mutated.removeLast(Int.random(in: 0..<mutated.count, using: &rng)) }
                guard let schema = try? ProtobufSchema(descriptor: mutated) else { continue }
                parsed += 1
                _ = try? ProtobufDecoder(schema: schema).decode(full.bytes, from: 6, indexes: [0])
            }
            #expect(parsed > 0)
            #expect(throws: AvroDecoder.DecodingError.self) { try decoder.decode(full.bytes, from: 6, indexes: [5]) }
        }
    }

    static func failure(_ client: SchemaRegistryClient, id: UInt32) async -> SchemaRegistryClient.FetchError? {
        do throws(SchemaRegistryClient.FetchError) {
            _ = try await client.document(id: id)
            return nil
        } catch {
            return error
        }
    }

    static func configuration(_ url: String) -> SchemaRegistryConfiguration {
        SchemaRegistryConfiguration(url: url, timeout: .seconds(5), cacheSize: 100)
    }

    static func settings() -> StreamSettings {
        let text =
            #"{"kafka":{"brokers":["127.0.0.1:9092"],"topics":["t"]},"twilio":{"accountSid":"AC00000000000000000000000000000000","authToken":"x","serviceSid":"default"}}"#
        var settings = try! ConfigurationLoader(environment: [:]).load(
            bytes: Array(text.utf8), source: "test", directory: nil
        ).defaults
        settings.valueFormat = .auto
        return settings
    }
}
