/// Checks a JSON value against a `ConfigObjectSchema` and collects every problem with its path: unknown and
/// duplicate keys, missing required keys, wrong types, values out of range or of the wrong form. It never stops at
/// the first problem, and never quotes the value of a secret field.
public struct SchemaChecker {
    /// Every problem found so far, in document order.
    public private(set) var problems: [ConfigurationProblem] = []

    /// Creates an empty checker.
    public init() {}

    /// Checks `value` (found at `path`) as an object described by `schema`.
    public mutating func check(_ value: JSONValue, against schema: ConfigObjectSchema, at path: JSONPath) {
        check(value, kind: .object(schema), secret: false, at: path)
    }

    private mutating func report(_ path: JSONPath, _ message: String) {
        problems.append(ConfigurationProblem(path, message))
    }

    private mutating func check(_ value: JSONValue, kind: ConfigValueKind, secret: Bool, at path: JSONPath) {
        switch kind {
        case .object(let schema): checkObject(value, schema, at: path)
        case .array(let elementKind, let minItems):
            guard case .array(let elements) = value else { return wrongType(value, kind, at: path) }
            if elements.count < minItems {
                report(path, "needs at least \(minItems) \(minItems == 1 ? "entry" : "entries")")
            }
            for (index, element) in elements.enumerated() {
                check(element, kind: elementKind, secret: secret, at: path.appending(index: index))
            }
        case .stringMap:
            guard let members = value.members else { return wrongType(value, kind, at: path) }
            checkDuplicates(members, at: path)
            for member in members {
                if member.key.isEmpty { report(path, "has an empty property name") }
                if case .string = member.value { continue }
                report(
                    path.appending(member.key),
                    "must be a string (write numbers and booleans in quotes, as librdkafka takes them); found \(member.value.typeName)"
                )
            }
        case .boolean:
            guard case .bool = value else { return wrongType(value, kind, at: path) }
        case .integer(let range, let unit):
            guard case .number(let lexeme) = value, let number = Int(lexeme) else {
                return wrongType(value, kind, at: path)
            }
            if !range.contains(number) {
                let unitText = unit.map { " \($0)" } ?? ""
                report(
                    path,
                    "\(number) is out of range; use a whole number from \(range.lowerBound) to \(range.upperBound)\(unitText)"
                )
            }
        case .choice(let choices):
            guard case .string(let text) = value else { return wrongType(value, kind, at: path) }
            if !choices.contains(text) {
                report(path, "'\(text)' is not one of \(choices.map { "'\($0)'" }.joined(separator: ", "))")
            }
        case .duration(let range):
            guard case .string(let text) = value else { return wrongType(value, kind, at: path) }
            guard let duration = DurationText.parse(text) else {
                return report(
                    path,
                    "'\(text)' is not a duration; write a whole number and a unit: ms, s, m, h or d (for example 250ms, 30s, 24h)"
                )
            }
            if !range.contains(duration) {
                report(
                    path,
                    "\(text) is out of range; use a duration from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
                )
            }
        case .string(let pattern, let meaning, let minLength, let maxLength):
            guard case .string(let text) = value else { return wrongType(value, kind, at: path, secret: secret) }
            let shown = secret ? "the value" : "'\(text)'"
            if text.count < minLength {
                report(path, minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters")
            } else if let maxLength, text.count > maxLength {
                report(path, "is \(text.count) characters; the most allowed is \(maxLength)")
            } else if let pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) == nil {
                report(path, "\(shown) is not \(meaning ?? "of the expected form (\(pattern))")")
            }
        }
    }

    private mutating func checkObject(_ value: JSONValue, _ schema: ConfigObjectSchema, at path: JSONPath) {
        guard let members = value.members else { return wrongType(value, .object(schema), at: path) }
        checkDuplicates(members, at: path)
        for member in members where !schema.ignoredKeys.contains(member.key) {
            guard let field = schema.field(member.key) else {
                report(path.appending(member.key), "unknown key; \(Self.suggestion(for: member.key, in: schema))")
                continue
            }
            check(member.value, kind: field.kind, secret: field.isSecret, at: path.appending(member.key))
        }
        for field in schema.fields where field.isRequired && value[field.key] == nil {
            report(path.appending(field.key), "is required: \(field.summary)")
        }
    }

    private mutating func checkDuplicates(_ members: [JSONMember], at path: JSONPath) {
        var seen = Set<String>()
        for member in members where !seen.insert(member.key).inserted {
            report(path.appending(member.key), "appears more than once; keep one")
        }
    }

    private mutating func wrongType(
        _ value: JSONValue, _ kind: ConfigValueKind, at path: JSONPath, secret: Bool = false
    ) {
        let expected: String
        switch kind {
        case .duration: expected = "a duration string such as \"30s\""
        case .choice(let choices): expected = "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .array: expected = "an \(kind.typeName)"
        case .integer, .object: expected = "an \(kind.typeName)"
        case .string, .boolean, .stringMap: expected = "a \(kind.typeName)"
        }
        report(path, "must be \(expected); found \(value.typeName)")
    }

    /// "did you mean ..." for a misspelt key, or the list of valid keys.
    static func suggestion(for key: String, in schema: ConfigObjectSchema) -> String {
        let keys = schema.fields.map(\.key)
        let close = keys.min {
            editDistance($0.lowercased(), key.lowercased()) < editDistance($1.lowercased(), key.lowercased())
        }
        if let close, editDistance(close.lowercased(), key.lowercased()) <= max(2, key.count / 3) {
            return "did you mean '\(close)'?"
        }
        return "the keys here are \(keys.map { "'\($0)'" }.joined(separator: ", "))"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
