/// What a route does to a record before routing and packing: decode its value and key (`value.format`,
/// `key.format`), keep it or not (`filter`), and shape its value (`select`, `drop`). Pure: schemas come from the
/// caller's cache through `lookup`.
public struct RecordPreparation: Sendable {
    /// The route's settings.
    public let settings: StreamSettings
    /// Whether a Schema Registry is configured (`auto` recognises the wire format only then).
    public let registry: Bool

    public init(settings: StreamSettings, registry: Bool) {
        self.settings = settings
        self.registry = registry
    }

    /// What the cache knows of a schema id.
    public enum SchemaLookup: Sendable {
        case ready(RegistrySchema)
        /// Not known yet: fetch it, and hold the record until it comes.
        case pending
        /// The registry refused it for good (404), or the relay cannot use it.
        case failed(UndecodableReason)
    }

    /// The result for one record.
    public enum Outcome: Sendable {
        /// Route and pack `record` (with `carried` set when anything changed); `document` is the value's JSON
        /// document when one was built (for `{value:…}` routing).
        case ready(SourceRecord, document: JSONValue?)
        /// Its value or key needs schema `id`, not in the cache yet.
        case needsSchema(UInt32)
        /// Its value (or key, `field`) cannot be decoded.
        case undecodable(UndecodableReason, field: String, detail: String)
        /// The filter rejected it.
        case filteredOut
    }

    /// Whether this route does nothing to records, so a record goes straight to routing.
    public var isPassThrough: Bool {
        settings.valueFormat == .auto && settings.keyFormat == .auto && !registry && settings.filter == nil
            && settings.shape.isIdentity
    }

    /// Prepares `record`.
    public func prepare(_ record: SourceRecord, lookup: (UInt32) -> SchemaLookup) -> Outcome {
        var record = record
        var carried = SourceRecord.Carried()
        var changed = false
        let wantsDocument = settings.stream.usesValue || settings.filter != nil || !settings.shape.isIdentity

        // The key.
        var keyValue: JSONValue?
        if let key = record.key {
            switch decode(key, format: settings.keyFormat, wantsDocument: true, lookup: lookup) {
            case .needsSchema(let id): return .needsSchema(id)
            case .failed(let reason, let detail): return .undecodable(reason, field: "key", detail: detail)
            case .decoded(let value, let text):
                keyValue = value
                if case .string(let string)? = value {
                    carried.key = Array(string.utf8)
                } else {
                    carried.key = text ?? value?.compactBytes
                }
                changed = true
            case .json, .text, .bytes, .raw:
                if settings.filter != nil, UTF8Validator.isValid(key) {
                    keyValue = .string(String(decoding: key, as: UTF8.self))
                }
            }
        }

        // The value.
        var document: JSONValue?
        var decodedText: [UInt8]?
        var valueDecoded = false
        if let value = record.value {
            switch decode(value, format: settings.valueFormat, wantsDocument: wantsDocument, lookup: lookup) {
            case .needsSchema(let id): return .needsSchema(id)
            case .failed(let reason, let detail): return .undecodable(reason, field: "value", detail: detail)
            case .decoded(let value, let text):
                document = value
                decodedText = text
                changed = true
                valueDecoded = true
                if value == nil, let text { carried.value = .json(text) }
            case .json:
                if wantsDocument { document = try? JSONParser.parse(value) }
            case .raw:
                if wantsDocument, ValueKind.classify(value) == .json { document = try? JSONParser.parse(value) }
            case .text:
                carried.value = .text
                changed = true
            case .bytes:
                carried.value = .bytes
                changed = true
            }
        }

        if let filter = settings.filter,
            !filter.keeps(RecordFilter.Input(record: record, key: keyValue, document: document))
        {
            return .filteredOut
        }
        if let decoded = document {
            if !settings.shape.isIdentity {
                let shaped = settings.shape.apply(to: decoded)
                carried.value = .json(shaped.compactBytes)
                changed = true
            } else if let decodedText {
                carried.value = .json(decodedText)
            } else if valueDecoded {
                carried.value = .json(decoded.compactBytes)
            }
        }
        if changed { record.carried = carried }
        return .ready(record, document: document)
    }

    private enum Decoded {
        /// Not decoded: classified by content later.
        case raw
        /// Checked as JSON (`format: json`).
        case json
        case text
        case bytes
        /// A registry-decoded value, with its JSON text when it already is text (JSON Schema).
        /// The document when asked for, else nil (the text is then always given).
        case decoded(JSONValue?, text: [UInt8]?)
        case needsSchema(UInt32)
        case failed(UndecodableReason, String)
    }

    private func decode(
        _ bytes: [UInt8], format: ValueFormat, wantsDocument: Bool, lookup: (UInt32) -> SchemaLookup
    ) -> Decoded {
        switch format {
        case .json:
            return JSONValidator.isValid(bytes) ? .json : .failed(.notJSON, "not a JSON text")
        case .text:
            return UTF8Validator.isValid(bytes) ? .text : .failed(.notText, "not UTF-8 text")
        case .bytes:
            return .bytes
        case .auto:
            guard registry, let frame = ConfluentFrame(bytes) else { return .raw }
            return decode(bytes, frame: frame, format: nil, wantsDocument: wantsDocument, lookup: lookup)
        case .avro, .jsonSchema, .protobuf:
            guard let frame = ConfluentFrame(bytes) else {
                return .failed(
                    .notWireFormat,
                    bytes.first == 0
                        ? "\(bytes.count) bytes, too short for the magic byte and a schema id"
                        : "the first byte is \(bytes.first.map(String.init) ?? "missing"), not the magic byte 0")
            }
            return decode(bytes, frame: frame, format: format, wantsDocument: wantsDocument, lookup: lookup)
        }
    }

    private func decode(
        _ bytes: [UInt8], frame: ConfluentFrame, format: ValueFormat?, wantsDocument: Bool,
        lookup: (UInt32) -> SchemaLookup
    ) -> Decoded {
        let schema: RegistrySchema
        switch lookup(frame.schemaId) {
        case .pending: return .needsSchema(frame.schemaId)
        case .failed(let reason): return .failed(reason, "schema id \(frame.schemaId)")
        case .ready(let ready): schema = ready
        }
        if let format, format != schema.format {
            return .failed(
                .wrongSchemaType,
                "schema id \(frame.schemaId) is \(schema.format.rawValue), the route reads \(format.rawValue)")
        }
        switch schema {
        case .avro(let decoder):
            do {
                if wantsDocument { return .decoded(try decoder.decode(bytes, from: frame.payloadStart), text: nil) }
                return .decoded(nil, text: try decoder.decodeText(bytes, from: frame.payloadStart))
            } catch {
                return .failed(.corruptPayload, "schema id \(frame.schemaId): \(error)")
            }
        case .jsonSchema:
            let text = Array(bytes[frame.payloadStart...])
            guard wantsDocument else {
                guard JSONValidator.isValid(text) else {
                    return .failed(.notJSON, "schema id \(frame.schemaId): the payload is not JSON")
                }
                return .decoded(nil, text: text)
            }
            guard let document = try? JSONParser.parse(text) else {
                return .failed(.notJSON, "schema id \(frame.schemaId): the payload is not JSON")
            }
            return .decoded(document, text: text)
        case .protobuf(let decoder):
            guard let (indexes, start) = frame.protobufMessageIndexes(in: bytes) else {
                return .failed(.corruptPayload, "schema id \(frame.schemaId): the message indexes are cut off")
            }
            if let decoder {
                do {
                    return .decoded(try decoder.decode(bytes, from: start, indexes: indexes), text: nil)
                } catch {
                    return .failed(.corruptPayload, "schema id \(frame.schemaId): \(error)")
                }
            }
            var base64: [UInt8] = []
            bytes.withUnsafeBufferPointer {
                Base64.append(encoding: UnsafeBufferPointer(rebasing: $0[start...]), to: &base64)
            }
            return .decoded(
                .object([
                    JSONMember("schemaId", .number(String(frame.schemaId))),
                    JSONMember("messageIndexes", .array(indexes.map { .number(String($0)) })),
                    JSONMember("protobuf", .string(String(decoding: base64, as: UTF8.self))),
                ]), text: nil)
        }
    }
}
