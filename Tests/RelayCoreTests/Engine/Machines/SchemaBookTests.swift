import Testing

@testable import RelayCore

/// `SchemaBook` alone: one fetch per id, answers kept, refusals asked again after a minute.
@Suite struct SchemaBookTests {
    func describe(_ lookup: RecordPreparation.SchemaLookup) -> String {
        switch lookup {
        case .ready: "ready"
        case .pending: "pending"
        case .failed(let reason): "failed: \(reason.rawValue)"
        }
    }

    @Test func anIdIsFetchedOnceUntilItIsAnswered() throws {
        var book = SchemaBook(capacity: 10)
        #expect(describe(book.lookup(7, now: .seconds(1))) == "pending")
        let value33 = book.request(7)
        #expect(value33)
        let value34 = book.request(7)
        #expect(!value34, "asked already")
        #expect(book.awaited == [7])
        let schema = try RegistrySchema(
            RegistrySchemaDocument(type: .json, text: #"{"type":"object"}"#))
        guard case .schemaLoaded(7, "json-schema") = book.answered(7, .found(schema), now: .seconds(2)) else {
            Issue.record("the answer is reported")
            return
        }
        #expect(book.awaited.isEmpty && book.count == 1)
        #expect(describe(book.lookup(7, now: .seconds(3))) == "ready")
    }

    @Test func aRefusedIdFailsForAMinuteThenIsAskedAgain() {
        var book = SchemaBook(capacity: 10)
        _ = book.request(9)
        guard
            case .schemaRefused(9, "unknown-schema", "404") = book.answered(
                9, .refused(.unknownSchema, detail: "404"), now: .seconds(10))
        else {
            Issue.record("the refusal is reported")
            return
        }
        #expect(describe(book.lookup(9, now: .seconds(69))) == "failed: unknown-schema")
        #expect(describe(book.lookup(9, now: .seconds(70))) == "pending")
        let value35 = book.request(9)
        #expect(value35, "fetched again")
    }
}
