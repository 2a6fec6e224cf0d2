/// Generates the key reference of `docs/configuration.md` (every key: type, default, range, meaning) from
/// `RelayConfigurationSchema`. The doc holds this output between two marker lines; a test keeps them equal.
public enum ConfigurationReference {
    /// The line before the generated reference in docs/configuration.md.
    public static let beginMarker = "<!-- BEGIN GENERATED REFERENCE: swift run sync-relay check --print-reference -->"
    /// The line after it.
    public static let endMarker = "<!-- END GENERATED REFERENCE -->"

    /// The reference as Markdown, one table per section.
    public static func markdown() -> String {
        var sections: [String] = []
        for field in RelayConfigurationSchema.root.fields {
            switch field.kind {
            case .object(let schema):
                sections.append(table(title: field.key, summary: field.summary, rows: rows(schema, prefix: field.key)))
            case .array(.object(let schema), _):
                let routeKeys = schema.fields.filter { $0.key == "topic" }
                var text = table(
                    title: "\(field.key)[]", summary: field.summary,
                    rows: rows(ConfigObjectSchema(routeKeys), prefix: "\(field.key)[]"))
                text +=
                    "\nA route also takes every key of `defaults` above (nested objects merge key by key); keys it leaves out are inherited from `defaults`.\n"
                sections.append(text)
            default:
                continue
            }
        }
        return sections.joined(separator: "\n")
    }

    private static func table(title: String, summary: String, rows: [String]) -> String {
        var text = "### `\(title)`\n\n\(summary)\n\n"
        text += "| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n"
        return text + rows.joined(separator: "\n") + "\n"
    }

    private static func rows(_ schema: ConfigObjectSchema, prefix: String) -> [String] {
        var rows: [String] = []
        for field in schema.fields {
            let key = "\(prefix).\(field.key)"
            if case .object(let nested) = field.kind {
                rows += Self.rows(nested, prefix: key)
                continue
            }
            let defaultText: String
            if let value = field.defaultValue {
                defaultText = "`\(value.text())`"
            } else {
                defaultText = field.isRequired ? "required" : "unset"
            }
            let secret = field.isSecret ? " Secret: never printed." : ""
            rows.append(
                "| `\(key)` | \(field.kind.typeName) | \(defaultText) | \(allowed(field.kind)) | \(field.summary)\(secret) |"
            )
        }
        return rows
    }

    private static func allowed(_ kind: ConfigValueKind) -> String {
        switch kind {
        case .string(let pattern, let meaning, let minLength, let maxLength):
            if let meaning { return meaning }
            if let pattern { return "`\(pattern)`" }
            if let maxLength { return "\(minLength) to \(maxLength) characters" }
            return minLength > 0 ? "non-empty" : "any"
        case .integer(let range, let unit):
            return "\(range.lowerBound) to \(range.upperBound)\(unit.map { " \($0)" } ?? "")"
        case .boolean: return "`true`, `false`"
        case .choice(let choices): return choices.map { "`\($0)`" }.joined(separator: ", ")
        case .duration(let range):
            return "\(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
        case .array(let element, let minItems):
            return "\(minItems > 0 ? "at least \(minItems); " : "")each \(allowed(element))"
        case .stringMap: return "property name to string value"
        case .object: return "object"
        }
    }
}
