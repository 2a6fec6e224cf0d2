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
            let cases = try OfficialSerializers.produce(registryURL: url)
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
