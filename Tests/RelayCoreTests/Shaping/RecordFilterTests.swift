import RelayCore
import Testing

/// The filter language (docs/configuration.md, *Filters*) and `select`/`drop`.
@Suite struct RecordFilterTests {
    let document = try! JSONParser.parse(
        #"{"status":"open","total":12.5,"n":3,"tags":["a"],"pos":{"lat":51.5},"none":null,"flag":true,"ts":"2026-12-06T10:00:00Z"}"#
    )

    func keeps(_ text: String, key: String? = "veh-42", headers: [SourceRecord.Header] = []) throws -> Bool {
        let record = SourceRecord(topic: "orders", partition: 0, offset: 0, value: nil, headers: headers)
        return try RecordFilter(text).keeps(
            RecordFilter.Input(record: record, key: key.map { .string($0) }, document: document))
    }

    @Test func comparisons() throws {
        #expect(try keeps(#"value("/status") == "open""#))
        #expect(try !keeps(#"value("/status") == "paid""#))
        #expect(try keeps(#"value("/status") != "paid""#))
        #expect(try keeps(#"value("/n") == 3.0"#), "numbers compare by value")
        #expect(try keeps(#"value("/total") > 12 and value("/total") <= 12.5"#))
        #expect(try !keeps(#"value("/total") < 12"#))
        #expect(try keeps(#"value("/ts") >= "2026-12-06T00:00:00Z""#), "strings compare by code points")
        #expect(try !keeps(#"value("/status") > 1"#), "a string is not ordered against a number")
        #expect(try keeps(#"value("/flag") == true and value("/none") == null"#))
        #expect(try keeps(#"value("/pos/lat") in [1, 51.5]"#))
        #expect(try !keeps(#"value("/status") in ["paid", "void"]"#))
        #expect(try keeps(#"key ~ "^veh-[0-9]+$""#))
        #expect(try !keeps(#"key ~ "^car-""#))
        #expect(try keeps(#"value("/n") ~ "^3$""#), "~ reads a number's text")
        #expect(try keeps(#"topic == "orders""#))
    }

    @Test func missingSubjectsFailEveryTestButNotEqual() throws {
        #expect(try !keeps(#"value("/missing") == "x""#))
        #expect(try keeps(#"value("/missing") != "x""#))
        #expect(try !keeps(#"value("/missing") ~ ".*""#))
        #expect(try !keeps(#"value("/missing") in ["x"]"#))
        #expect(try !keeps("key exists", key: nil))
        #expect(try keeps(#"value("/none") exists"#), "a null member exists")
        #expect(try !keeps(#"value("/tags/0") exists"#) == false, "pointers index arrays")
        #expect(try !keeps(#"header("x-type") exists"#))
    }

    @Test func headersAndLogic() throws {
        let headers = [SourceRecord.Header(name: "x-type", value: Array("test".utf8))]
        #expect(try keeps(#"header("x-type") == "test""#, headers: headers))
        #expect(try !keeps(#"not header("x-type") exists"#, headers: headers))
        #expect(try keeps(#"not (header("x-type") exists and key == "nope")"#, headers: headers))
        #expect(try keeps(#"key == "nope" or value("/status") == "open" and value("/n") == 3"#), "and binds tighter")
        #expect(try !keeps(#"(key == "nope" or value("/status") == "open") and value("/n") == 4"#))
        #expect(try keeps(#"value("/status")=="open"and key exists"#), "a string literal ends where its quote does")
        #expect(throws: RecordFilter.FilterError.self) { try RecordFilter("key exists andkey exists") }
    }

    @Test func syntaxErrorsSayWhere() {
        for (text, fragment) in [
            ("", "empty"), (#"key = "a""#, "at character 5"), ("key ==", "expected a value"),
            (#"key == "a" extra"#, "unexpected 'extra'"), (#"value(/a) exists"#, #"value("/json/pointer")"#),
            (#"header(1) exists"#, #"header("name")"#), (#"key == {"a":1}"#, "expected a value"),
            (#"key == "unterminated"#, "not closed"), (#"key ~ 5"#, "regular expression in a string"),
        ] {
            do {
                _ = try RecordFilter(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(fragment), "\(text): \(error)")
            }
        }
    }

    @Test func selectKeepsTheListedMembersInOrderAndDropRemoves() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":{"c":2,"d":3},"e":[{"f":4}],"g":5}"#)
        func shape(_ select: [String], _ drop: [String] = []) throws -> String {
            String(
                decoding: ValueShape(select: try select.map(JSONPointer.init), drop: try drop.map(JSONPointer.init))
                    .apply(to: value).compactBytes, as: UTF8.self)
        }
        #expect(try shape(["/g", "/b/d", "/a"]) == #"{"g":5,"b":{"d":3},"a":1}"#)
        #expect(try shape(["/b/c", "/b/d"]) == #"{"b":{"c":2,"d":3}}"#)
        #expect(try shape(["/e/0/f", "/x"]) == "{}", "pointers do not cross arrays; missing ones name nothing")
        #expect(try shape(["/b"], ["/b/c"]) == #"{"b":{"d":3}}"#)
        #expect(try shape([], ["/a", "/e", "/nope"]) == #"{"b":{"c":2,"d":3},"g":5}"#)
        #expect(try shape([""]) == #"{"a":1,"b":{"c":2,"d":3},"e":[{"f":4}],"g":5}"#, "the empty pointer is all")
        #expect(ValueShape().isIdentity)
    }
}
