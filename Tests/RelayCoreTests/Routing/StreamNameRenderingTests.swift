import RelayCore
import RelayTestSupport
import Testing

@testable import RelayCore

/// Stream names from the record: `{key}`, `{header:NAME}`, `{value:/pointer}`, their escaping, and every case
/// where a name cannot be formed.
@Suite struct StreamNameRenderingTests {
    func record(
        key: [UInt8]? = nil, value: String? = nil, headers: [SourceRecord.Header] = [], topic: String = "vehicles",
        partition: Int32 = 3
    ) -> SourceRecord {
        SourceRecord(
            topic: topic, partition: partition, offset: 7, key: key, value: value.map { Array($0.utf8) },
            headers: headers)
    }

    func render(_ template: String, _ record: SourceRecord) throws -> Result<String, UnroutableReason> {
        try StreamNameTemplate(template).render(record)
    }

    @Test func keysAreKeptWhenSafeAndEscapedOtherwise() throws {
        let cases: [([UInt8], String)] = [
            (Array("77".utf8), "vehicle-77"),
            (Array("a_b".utf8), "vehicle-a_b"),
            (Array("a-b".utf8), "vehicle-a~2Db"),  // '-' is the template's separator
            (Array("a/b c".utf8), "vehicle-a~2Fb~20c"),
            (Array("~".utf8), "vehicle-~7E"),
            (Array("é".utf8), "vehicle-~C3~A9"),
            ([0xFF, 0x00], "vehicle-~FF~00"),  // binary keys are escaped byte by byte
            ([], "vehicle-"),  // an empty key is a key
        ]
        for (key, expected) in cases {
            #expect(try render("vehicle-{key}", record(key: key)) == .success(expected))
        }
        #expect(try render("vehicle.{key}", record(key: Array("a-b".utf8))) == .success("vehicle.a-b"))
        #expect(try render("{topic}:{key}", record(key: Array("x".utf8))) == .success("vehicles:x"))
    }

    @Test func namesThatCannotBeFormedSayWhy() throws {
        #expect(try render("vehicle-{key}", record()) == .failure(.noKey))
        #expect(try render("{key}", record(key: [])) == .failure(.empty))
        let long = [UInt8](repeating: UInt8(ascii: "k"), count: 10_000)
        #expect(try render("vehicle-{key}", record(key: long)) == .failure(.tooLong))
        // 312 safe characters fit (8 + 312 = 320); one more, or one escaped byte, does not.
        #expect(try render("vehicle-{key}", record(key: Array(long.prefix(312)))).map(\.count) == .success(320))
        #expect(try render("vehicle-{key}", record(key: Array(long.prefix(313)))) == .failure(.tooLong))
        #expect(try render("vehicle-{key}", record(key: Array(long.prefix(310)) + [0x2F])) == .failure(.tooLong))
    }

    @Test func headersMissingNullOrRepeatedWithDifferentValues() throws {
        let template = "tenant-{header:tenant}"
        func header(_ value: String?) -> SourceRecord.Header {
            SourceRecord.Header(name: "tenant", value: value.map { Array($0.utf8) })
        }
        #expect(try render(template, record(headers: [header("acme")])) == .success("tenant-acme"))
        #expect(try render(template, record()) == .failure(.noHeader))
        #expect(try render(template, record(headers: [header(nil)])) == .failure(.noHeader))
        #expect(try render(template, record(headers: [header("acme"), header("acme")])) == .success("tenant-acme"))
        #expect(try render(template, record(headers: [header("acme"), header("other")])) == .failure(.headerRepeated))
        #expect(try render(template, record(headers: [header(nil), header("acme")])) == .success("tenant-acme"))
    }

    @Test func valueFieldsByJSONPointer() throws {
        let value = #"{"vehicle":{"id":"v/1","n":42,"on":true,"tags":["a","b"],"a/b":{"~":"x"},"none":null}}"#
        #expect(try render("v-{value:/vehicle/id}", record(value: value)) == .success("v-v~2F1"))
        #expect(try render("v-{value:/vehicle/n}", record(value: value)) == .success("v-42"))
        #expect(try render("v-{value:/vehicle/on}", record(value: value)) == .success("v-true"))
        #expect(try render("v-{value:/vehicle/tags/1}", record(value: value)) == .success("v-b"))
        #expect(try render("v-{value:/vehicle/a~1b/~0}", record(value: value)) == .success("v-x"))
        #expect(try render("v-{value:/vehicle/tags/2}", record(value: value)) == .failure(.noField))
        #expect(try render("v-{value:/vehicle/tags/01}", record(value: value)) == .failure(.noField))
        #expect(try render("v-{value:/vehicle/missing}", record(value: value)) == .failure(.noField))
        #expect(try render("v-{value:/vehicle}", record(value: value)) == .failure(.fieldNotScalar))
        #expect(try render("v-{value:/vehicle/none}", record(value: value)) == .failure(.fieldNotScalar))
        #expect(try render("v-{value:/vehicle/id}", record(value: "not json")) == .failure(.notJSON))
        #expect(try render("v-{value:/vehicle/id}", record(value: nil)) == .failure(.notJSON))
    }

    @Test func aNameShapedLikeASIDIsEscapedOnItsFirstCharacter() throws {
        let sid = "AC" + String(repeating: "0", count: 32)
        let name = try render("{key}", record(key: Array(sid.utf8))).get()
        #expect(name == "~41C" + String(repeating: "0", count: 32))
        #expect(TwilioIdentifier.uniqueNameProblem(name) == nil)
        // The key that is literally that escaped text renders differently.
        #expect(try render("{key}", record(key: Array(name.utf8))).get() != name)
    }

    /// Injectivity, by brute force: many random keys and headers over an alphabet full of separators, escape
    /// characters and hex digits; no two different inputs share a name, and a lone key decodes back.
    @Test func differentValuesNeverShareAName() throws {
        var random = SeededGenerator(seed: 19)
        let alphabet: [UInt8] = Array("aA0F-_~./ :".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        func randomBytes() -> [UInt8] {
            (0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        }
        for template in ["{key}", "k-{key}-{header:h}", "{key}_{header:h}", "{key}.{partition}", "{topic}-{key}"] {
            let parsed = try StreamNameTemplate(template)
            var seen: [String: String] = [:]
            for _ in 0..<20_000 {
                let key = randomBytes()
                let header = randomBytes()
                let partition = Int32.random(in: 0...120, using: &random)
                let topic = ["a", "a-b", "a.b", "b"].randomElement(using: &random)!
                // What the template names a stream by: only the parts it uses.
                var used: [String] = ["\(key)"]
                if template.contains("{topic}") { used.append(topic) }
                if template.contains("{partition}") { used.append("\(partition)") }
                if template.contains("{header:h}") { used.append("\(header)") }
                let identity = used.joined(separator: "|")
                guard
                    case .success(let name) = parsed.render(
                        record(
                            key: key, headers: [SourceRecord.Header(name: "h", value: header)], topic: topic,
                            partition: partition))
                else { continue }
                if let earlier = seen[name], earlier != identity {
                    Issue.record("\(template): \(earlier) and \(identity) both render \(name)")
                }
                seen[name] = identity
                #expect(TwilioIdentifier.uniqueNameProblem(name) == nil)
                if template == "{key}" { #expect(EscapedValue.decode(name) == key) }
            }
        }
    }

    @Test func templatesThatCanNeverRenderAreRefused() {
        func reason(_ text: String) -> String? {
            do {
                _ = try StreamNameTemplate(text)
                return nil
            } catch { return error.reason }
        }
        #expect(reason("{key}{partition}")?.contains("literal text between them") == true)
        #expect(reason("{key}~{header:a}")?.contains("literal text between them") == true)
        #expect(reason("{key}x{header:a}")?.contains("literal text between them") == true)
        #expect(reason("{key}-{partition}") == nil)
        #expect(reason("{topic}{partition}") == nil, "not keyed: names as before")
        #expect(reason("{header:}")?.contains("needs a header name") == true)
        #expect(reason("{value:}")?.contains("JSON pointer") == true)
        #expect(reason("{value:id}")?.contains("must start with '/'") == true)
        #expect(reason("{value:/a~2}")?.contains("~0") == true)
        #expect(reason("{id}")?.contains("{key}, {header:NAME} and {value:/pointer}") == true)
        let long = String(repeating: "x", count: 321)
        #expect(
            (try? StreamNameTemplate(long + "{key}"))?.problem(forTopic: nil)?.contains("no record could be routed")
                == true)
        #expect((try? StreamNameTemplate("v-{key}"))?.problem(forTopic: nil) == nil)
    }

    @Test func jsonPointersFollowRFC6901() throws {
        let document = try JSONParser.parse(#"{"foo":["bar","baz"],"":0,"a/b":1,"m~n":8,"k":{"k":2}}"#)
        #expect(try JSONPointer("").resolve(in: document) == document)
        #expect(try JSONPointer("/foo/0").resolve(in: document) == .string("bar"))
        #expect(try JSONPointer("/").resolve(in: document) == .number("0"))
        #expect(try JSONPointer("/a~1b").resolve(in: document) == .number("1"))
        #expect(try JSONPointer("/m~0n").resolve(in: document) == .number("8"))
        #expect(try JSONPointer("/k/k").resolve(in: document) == .number("2"))
        #expect(try JSONPointer("/foo/-").resolve(in: document) == nil)
        #expect(try JSONPointer("/foo/0/x").resolve(in: document) == nil)
    }
}
