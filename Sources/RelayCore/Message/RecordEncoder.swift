/// Turns one `SourceRecord` into its entry in a message: the exact bytes of one JSON object, as it will appear in the
/// message's `r` array (or, for an oversize record, as the text split across chunks).
///
/// Members, in this order, each only when the format options ask for it: `i` identity, `tp` topic, `p` partition, `o` offset,
/// `t` timestamp, `k` key (UTF-8) or `kb` key (base64), `h` headers; then the value: `j` JSON, `s` text, `b` base64,
/// or nothing for a tombstone. See docs/message-format.md.
public struct RecordEncoder: Sendable {
    /// Which optional members to write.
    public let options: MessageFormatOptions

    /// An encoder writing the members `options` asks for.
    public init(options: MessageFormatOptions = .compact) {
        self.options = options
    }

    /// The entry bytes of `record`, in a buffer allocated once at its final size (the value is classified first, so
    /// its encoded length is known exactly).
    public func encode(_ record: SourceRecord) -> [UInt8] {
        let kind = Self.kind(of: record)
        var output: [UInt8] = []
        output.reserveCapacity(estimatedLength(of: record, kind: kind))
        append(record, kind: kind, to: &output)
        return output
    }

    /// The entry length, exact for the value and a small over-estimate for the optional members.
    @inline(__always)
    func estimatedLength(of record: SourceRecord, kind: ValueKind) -> Int {
        var length = 8
        if case .json(let text)? = record.carried?.value, record.value != nil {
            length += text.count
        } else if let value = record.value {
            switch kind {
            case .json, .tombstone: length += value.count
            case .text: length += JSONEscaper.escapedLength(value)
            case .binary: length += Base64.encodedLength(of: value.count)
            }
        }
        if options.includeKey { length += Base64.encodedLength(of: (record.carriedKey?.count ?? 0)) * 2 + 8 }
        if options.includeTopic { length += record.topic.utf8.count * 6 + 8 }
        if options.includePartition { length += 16 }
        if options.includeOffset || options.includeTimestamp { length += 50 }
        if options.includeId { length += RecordIdentity.maximumLength + 7 }
        if options.includeHeaders {
            for header in record.headers {
                length += header.name.utf8.count * 6 + Base64.encodedLength(of: header.value?.count ?? 0) * 2 + 16
            }
        }
        return length
    }

    /// Appends the entry bytes of `record` to `output`.
    public func append(_ record: SourceRecord, to output: inout [UInt8]) {
        append(record, kind: Self.kind(of: record), to: &output)
    }

    /// How `record`'s value is carried: by its decoded form when it has one, else classified by content.
    static func kind(of record: SourceRecord) -> ValueKind {
        guard record.value != nil, let carried = record.carried?.value else { return ValueKind.classify(record.value) }
        switch carried {
        case .raw: return ValueKind.classify(record.value)
        case .json: return .json
        case .text: return .text
        case .bytes: return .binary
        }
    }

    /// Appends the entry bytes of `record`, whose value is of `kind`, to `output`.
    func append(_ record: SourceRecord, kind: ValueKind, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        @inline(__always) func member(_ name: StaticString) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            output.appendASCII(name)
        }
        if options.includeId {
            member("\"i\":\"")
            RecordIdentity.append(topic: record.topic, partition: record.partition, offset: record.offset, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        if options.includeTopic {
            member("\"tp\":")
            output.appendJSONString(Array(record.topic.utf8))
        }
        if options.includePartition {
            member("\"p\":")
            output.appendDecimal(Int64(record.partition))
        }
        if options.includeOffset {
            member("\"o\":")
            output.appendDecimal(record.offset)
        }
        if options.includeTimestamp, let timestamp = record.timestamp {
            member("\"t\":")
            output.appendDecimal(timestamp)
        }
        if options.includeKey, let key = record.carriedKey {
            if UTF8Validator.isValid(key) {
                member("\"k\":")
                output.appendJSONString(key)
            } else {
                member("\"kb\":\"")
                Base64.append(encoding: key, to: &output)
                output.append(UInt8(ascii: "\""))
            }
        }
        if options.includeHeaders && !record.headers.isEmpty {
            member("\"h\":[")
            for (index, header) in record.headers.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "["))
                output.appendJSONString(Array(header.name.utf8))
                output.append(UInt8(ascii: ","))
                if let value = header.value {
                    if UTF8Validator.isValid(value) {
                        output.appendJSONString(value)
                    } else {
                        output.appendASCII("{\"b\":\"")
                        Base64.append(encoding: value, to: &output)
                        output.appendASCII("\"}")
                    }
                } else {
                    output.appendASCII("null")
                }
                output.append(UInt8(ascii: "]"))
            }
            output.append(UInt8(ascii: "]"))
        }
        if let value = record.value {
            switch kind {
            case .json, .tombstone:
                member("\"j\":")
                if case .json(let text)? = record.carried?.value {
                    output.append(contentsOf: text)
                } else {
                    output.append(contentsOf: value)
                }
            case .text:
                member("\"s\":\"")
                JSONEscaper.append(escaping: value, to: &output)
                output.append(UInt8(ascii: "\""))
            case .binary:
                member("\"b\":\"")
                Base64.append(encoding: value, to: &output)
                output.append(UInt8(ascii: "\""))
            }
        }
        output.append(UInt8(ascii: "}"))
    }
}
