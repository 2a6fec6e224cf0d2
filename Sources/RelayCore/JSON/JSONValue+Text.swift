extension JSONValue {
    /// Serializes the value as JSON text. `indent` > 0 pretty-prints with that many spaces per level and one member
    /// per line (the form of the generated `docs/config.schema.json`); 0 gives the compact form.
    public func text(indent: Int = 0) -> String {
        var output = ""
        write(to: &output, indent: indent, level: 0)
        return output
    }

    private func write(to output: inout String, indent: Int, level: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let lexeme): output += lexeme
        case .string(let value): output += JSONValue.quoted(value)
        case .array(let elements):
            writeContainer(to: &output, open: "[", close: "]", count: elements.count, indent: indent, level: level) {
                output, index in elements[index].write(to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            writeContainer(to: &output, open: "{", close: "}", count: members.count, indent: indent, level: level) {
                output, index in
                output += JSONValue.quoted(members[index].key)
                output += indent > 0 ? ": " : ":"
                members[index].value.write(to: &output, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer(
        to output: inout String, open: String, close: String, count: Int, indent: Int, level: Int,
        element: (inout String, Int) -> Void
    ) {
        output += open
        guard count > 0 else { return output += close }
        let inner = indent > 0 ? "\n" + String(repeating: " ", count: indent * (level + 1)) : ""
        for index in 0..<count {
            if index > 0 { output += "," }
            output += inner
            element(&output, index)
        }
        if indent > 0 { output += "\n" + String(repeating: " ", count: indent * level) }
        output += close
    }

    /// `text` in double quotes with JSON escapes (RFC 8259's mandatory set; everything else is kept as UTF-8).
    public static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{8}": output += "\\b"
            case "\u{C}": output += "\\f"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16, uppercase: false)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
