import Foundation
import Testing

@testable import SyncEmulator

/// Checks the emulator's JSON field sets against Twilio's OpenAPI document in ../shared/spec.
@Suite("Emulator shapes match the Twilio spec")
struct EmulatorSpecShapeTests {
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/spec/twilio_sync_v1.json").standardizedFileURL

    func spec() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.specURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func schemaProperties(_ name: String) throws -> Set<String> {
        let components = try #require(try spec()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas[name] as? [String: Any])
        return Set(try #require(schema["properties"] as? [String: Any]).keys)
    }

    func listProperties() throws -> (top: Set<String>, meta: Set<String>) {
        let paths = try #require(try spec()["paths"] as? [String: Any])
        let list = try #require(paths["/v1/Services/{ServiceSid}/Streams"] as? [String: Any])
        let get = try #require(list["get"] as? [String: Any])
        let responses = try #require(get["responses"] as? [String: Any])
        let ok = try #require(responses["200"] as? [String: Any])
        let content = try #require((ok["content"] as? [String: Any])?["application/json"] as? [String: Any])
        let schema = try #require(content["schema"] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let meta = try #require((properties["meta"] as? [String: Any])?["properties"] as? [String: Any])
        return (Set(properties.keys), Set(meta.keys))
    }

    @Test func streamFieldsMatch() throws {
        let driver = EmulatorDriver()
        let expected = try schemaProperties("sync.v1.service.sync_stream")
        #expect(Set(driver.create("shape", ttl: 60).json.keys) == expected)
        #expect(Set(driver.send("GET", "/Streams/shape").json.keys) == expected)
        #expect(Set(driver.send("POST", "/Streams/shape", form: ["Ttl": "5"]).json.keys) == expected)
    }

    @Test func messageFieldsMatch() throws {
        let driver = EmulatorDriver()
        driver.create("shape")
        let expected = try schemaProperties("sync.v1.service.sync_stream.stream_message")
        #expect(Set(driver.publish("shape").json.keys) == expected)
    }

    @Test func listFieldsMatch() throws {
        let driver = EmulatorDriver()
        driver.create("a")
        let (top, meta) = try listProperties()
        let reply = driver.send("GET", "/Streams")
        #expect(Set(reply.json.keys) == top)
        #expect(Set(try #require(reply["meta"] as? [String: Any]).keys) == meta)
        let stream = try #require((reply["streams"] as? [[String: Any]])?.first)
        #expect(Set(stream.keys) == (try schemaProperties("sync.v1.service.sync_stream")))
    }

    @Test func errorBodiesHaveTwilioFields() {
        let driver = EmulatorDriver()
        #expect(Set(driver.send("GET", "/Streams/none").json.keys) == ["code", "message", "more_info", "status"])
    }
}
