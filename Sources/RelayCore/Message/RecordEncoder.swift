/// Turns one `SourceRecord` into its entry in a message: the exact bytes of one JSON object, as it will appear in the
/// message's `r` array (or, for an oversize record, as the text split across chunks).
///
/// Members, in this order, each only when the format options ask for it: `tp` topic, `p` partition, `o` offset,
/// `t` timestamp, `k` key (UTF-8) or `kb` key (base64), `h` headers; then the value: `j` JSON, `s` text, `b` base64,
/// or nothing for a tombstone. See docs/message-format.md.
public struct RecordEncoder: Sendable {
    /// Which optional members to write.
    public let options: MessageFormatOptions

    /// An encoder writing the members `options` asks for.
    public init(options: MessageFormatOptions = .compact) {
        self.options = options
    }

    /// The entry bytes of `record`.
    public func encode(_ record: SourceRecord) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(estimatedLength(of: record))
        append(record, to: &output)
        return output
    }

    /// A cheap upper-bound guess of the entry length, to reserve capacity once.
    @inline(__always)
    func estimatedLength(of record: SourceRecord) -> Int {
        var length = 48 + (record.value?.count ?? 0) * 4 / 3
        if options.includeKey { length += (record.key?.count ?? 0) * 4 / 3 + 8 }
        if options.includeTopic { length += record.topic.utf8.count + 8 }
        if options.includeHeaders {
            for header in record.headers { length += header.name.utf8.count + (header.value?.count ?? 0) * 4 / 3 + 16 }
        }
        return length
    }

    /// Appends the entry bytes of `record` to `output`.
    public func append(_ record: SourceRecord, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        @inline(__always) func member(_ name: StaticString) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            output.appendASCII(name)
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
        if options.includeKey, let key = record.key {
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
            value.withUnsafeBufferPointer { bytes in
                if JSONValidator.isValid(bytes) {
                    member("\"j\":")
                    output.append(contentsOf: bytes)
                } else if UTF8Validator.isValid(bytes) {
                    member("\"s\":\"")
                    JSONEscaper.append(escaping: bytes, to: &output)
                    output.append(UInt8(ascii: "\""))
                } else {
                    member("\"b\":\"")
                    Base64.append(encoding: bytes, to: &output)
                    output.append(UInt8(ascii: "\""))
                }
            }
        }
        output.append(UInt8(ascii: "}"))
    }
}
