extension JSONValue {
    /// A decoded floating-point value: the shortest text that reads back as the same value, or `"NaN"`,
    /// `"Infinity"`, `"-Infinity"` as strings (JSON has no such numbers), as Avro and the proto3 JSON mapping write
    /// them.
    static func floatingPoint<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        return .number(value.description)
    }

    /// The value as compact JSON text (no spaces), as messages carry decoded values.
    public var compactBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        appendCompact(to: &output)
        return output
    }

    /// Appends the value as compact JSON text to `output`.
    public func appendCompact(to output: inout [UInt8]) {
        switch self {
        case .null: output.appendASCII("null")
        case .bool(let value): value ? output.appendASCII("true") : output.appendASCII("false")
        case .number(let lexeme): output.append(contentsOf: lexeme.utf8)
        case .string(let text): Self.appendString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.appendCompact(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.appendCompact(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { JSONEscaper.append(escaping: $0, to: &output) }
        output.append(UInt8(ascii: "\""))
    }
}
