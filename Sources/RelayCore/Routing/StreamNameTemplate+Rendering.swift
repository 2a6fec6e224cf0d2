/// Rendering a record's stream name (see `EscapedValue` for the escaping and why it is injective).
extension StreamNameTemplate {
    /// The unique name of `record`'s stream, or why it cannot be formed. A template that is not keyed renders as
    /// `render(topic:partition:)` does; a keyed one escapes the topic and the record's values.
    ///
    /// `decoded` is the value's document when the route decoded it (Avro, JSON Schema); nil parses the raw value.
    public func render(_ record: SourceRecord, decoded: JSONValue? = nil) -> Result<String, UnroutableReason> {
        guard isKeyed else { return .success(render(topic: record.topic, partition: record.partition)) }
        var values: [[UInt8]] = []
        values.reserveCapacity(parts.count)
        var document: JSONValue?? = decoded.map { .some($0) }  // parsed once, on the first {value:…}
        for part in parts {
            switch part {
            case .literal: values.append([])
            case .topic: values.append(Array(record.topic.utf8))
            case .partition: values.append(Array(String(record.partition).utf8))
            case .key:
                guard let key = record.carriedKey else { return .failure(.noKey) }
                values.append(key)
            case .header(let name):
                switch Self.header(named: name, in: record) {
                case .success(let value): values.append(value)
                case .failure(let reason): return .failure(reason)
                }
            case .value(let pointer):
                if document == nil { document = .some(record.value.flatMap { try? JSONParser.parse($0) }) }
                guard let parsed = document!, let field = pointer.resolve(in: parsed) else {
                    return .failure(document! == nil ? .notJSON : .noField)
                }
                switch field {
                case .string(let text): values.append(Array(text.utf8))
                case .number(let lexeme): values.append(Array(lexeme.utf8))
                case .bool(let flag): values.append(Array((flag ? "true" : "false").utf8))
                case .null, .array, .object: return .failure(.fieldNotScalar)
                }
            }
        }
        var name = assemble(values, escapeFirstOf: nil)
        guard name.count > 0 else { return .failure(.empty) }
        var length = characterCount(of: name)
        if length == 34, TwilioIdentifier.looksLikeSID(String(decoding: name, as: UTF8.self)) {
            guard let index = parts.indices.first(where: { parts[$0].isEscaped && !values[$0].isEmpty }) else {
                return .failure(.sidLike)
            }
            name = assemble(values, escapeFirstOf: index)
            length += 2
        }
        guard length <= TwilioIdentifier.maximumUniqueNameLength else { return .failure(.tooLong) }
        return .success(String(decoding: name, as: UTF8.self))
    }

    /// The literal text and the escaped values (partition digits kept as they are), in order.
    private func assemble(_ values: [[UInt8]], escapeFirstOf escaped: Int?) -> [UInt8] {
        var name: [UInt8] = []
        name.reserveCapacity(64)
        for (index, part) in parts.enumerated() {
            switch part {
            case .literal(let text): name.append(contentsOf: text.utf8)
            case .partition: name.append(contentsOf: values[index])
            case .topic, .key, .header, .value:
                EscapedValue.append(
                    values[index], reserved: reservedSeparators, escapeFirst: index == escaped, to: &name)
            }
        }
        return name
    }

    /// Characters (as Twilio counts them) of a rendered name: escaped values are ASCII, only literal text may not be.
    private func characterCount(of name: [UInt8]) -> Int {
        name.allSatisfy { $0 < 0x80 } ? name.count : String(decoding: name, as: UTF8.self).count
    }

    /// The value of header `name`: the only one, or several equal ones; nil values count as missing.
    private static func header(named name: String, in record: SourceRecord) -> Result<[UInt8], UnroutableReason> {
        var found: [UInt8]?
        for header in record.headers where header.name == name {
            guard let value = header.value else { continue }
            if let earlier = found, earlier != value { return .failure(.headerRepeated) }
            found = value
        }
        return found.map { .success($0) } ?? .failure(.noHeader)
    }
}

extension StreamNameTemplate.Part {
    /// Whether the part's value is escaped in a keyed template (everything but literal text and partition digits).
    var isEscaped: Bool {
        switch self {
        case .literal, .partition: false
        case .topic, .key, .header, .value: true
        }
    }
}
