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

    func schema(_ name: String) throws -> [String: Any] {
        let components = try #require(try spec()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas[name] as? [String: Any])
        return try #require(schema["properties"] as? [String: Any])
    }

    func schemaProperties(_ name: String) throws -> Set<String> {
        Set(try schema(name).keys)
    }

    /// Checks the values the schema constrains: types (string, object), `pattern`s (SIDs) and date-times.
    func expectValues(_ object: [String: Any], conformTo name: String, at location: SourceLocation = #_sourceLocation)
        throws
    {
        for (key, property) in try schema(name) {
            guard let property = property as? [String: Any], let value = object[key], !(value is NSNull) else {
                continue
            }
            switch property["type"] as? String {
            case "string": #expect(value is String, "\(key) is a string", sourceLocation: location)
            case "object": #expect(value is [String: Any], "\(key) is an object", sourceLocation: location)
            default: break
            }
            guard let text = value as? String else { continue }
            if let pattern = property["pattern"] as? String {
                #expect(
                    text.range(of: pattern, options: .regularExpression) != nil, "\(key): \(text)",
                    sourceLocation: location)
            }
            if property["format"] as? String == "date-time" {
                #expect(
                    (try? Date.ISO8601FormatStyle().parse(text)) != nil, "\(key): \(text)", sourceLocation: location)
            }
        }
    }

    func listProperties(_ path: String = "/v1/Services/{ServiceSid}/Streams") throws
        -> (top: Set<String>, meta: Set<String>)
    {
        let paths = try #require(try spec()["paths"] as? [String: Any])
        let list = try #require(paths[path] as? [String: Any])
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

    @Test func documentFieldsMatch() throws {
        let driver = EmulatorDriver()
        let expected = try schemaProperties("sync.v1.service.document")
        #expect(Set(driver.createDocument("shape", ttl: 60).json.keys) == expected)
        #expect(Set(driver.send("GET", "/Documents/shape").json.keys) == expected)
        #expect(Set(driver.updateDocument("shape", data: "{}").json.keys) == expected)
        try expectValues(driver.send("GET", "/Documents/shape").json, conformTo: "sync.v1.service.document")
    }

    @Test func mapFieldsMatch() throws {
        let driver = EmulatorDriver()
        let expected = try schemaProperties("sync.v1.service.sync_map")
        #expect(Set(driver.createMap("shape", form: ["Ttl": "60"]).json.keys) == expected)
        #expect(Set(driver.send("GET", "/Maps/shape").json.keys) == expected)
        #expect(Set(driver.send("POST", "/Maps/shape", form: ["CollectionTtl": "5"]).json.keys) == expected)
        try expectValues(driver.send("GET", "/Maps/shape").json, conformTo: "sync.v1.service.sync_map")
    }

    @Test func mapItemFieldsMatch() throws {
        let driver = EmulatorDriver()
        driver.createMap("shape")
        let expected = try schemaProperties("sync.v1.service.sync_map.sync_map_item")
        #expect(Set(driver.createItem("shape", "k", form: ["ItemTtl": "60"]).json.keys) == expected)
        #expect(Set(driver.send("GET", "/Maps/shape/Items/k").json.keys) == expected)
        #expect(Set(driver.updateItem("shape", "k", data: "{}").json.keys) == expected)
        try expectValues(
            driver.send("GET", "/Maps/shape/Items/k").json, conformTo: "sync.v1.service.sync_map.sync_map_item")
    }

    @Test func objectListPagesMatch() throws {
        let driver = EmulatorDriver()
        driver.createDocument("a")
        driver.createMap("m")
        driver.createItem("m", "k")
        let lists: [(path: String, spec: String, key: String, schema: String)] = [
            ("/Documents", "/v1/Services/{ServiceSid}/Documents", "documents", "sync.v1.service.document"),
            ("/Maps", "/v1/Services/{ServiceSid}/Maps", "maps", "sync.v1.service.sync_map"),
            (
                "/Maps/m/Items", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items", "items",
                "sync.v1.service.sync_map.sync_map_item"
            ),
        ]
        for list in lists {
            let (top, meta) = try listProperties(list.spec)
            let reply = driver.send("GET", list.path)
            #expect(Set(reply.json.keys) == top, "\(list.path)")
            #expect(Set(try #require(reply["meta"] as? [String: Any]).keys) == meta, "\(list.path)")
            let element = try #require((reply[list.key] as? [[String: Any]])?.first)
            #expect(Set(element.keys) == (try schemaProperties(list.schema)), "\(list.path)")
        }
    }

    @Test func objectErrorBodiesHaveTwilioFields() {
        let driver = EmulatorDriver()
        let fields: Set<String> = ["code", "message", "more_info", "status"]
        #expect(Set(driver.send("GET", "/Documents/none").json.keys) == fields)
        #expect(Set(driver.send("GET", "/Maps/none/Items/k").json.keys) == fields)
    }
}
