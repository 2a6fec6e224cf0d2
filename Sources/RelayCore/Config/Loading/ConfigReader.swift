/// Reads values of a schema-checked object, filling absent keys from the schema's defaults. Lenient by design: a
/// value of the wrong type (already reported by `SchemaChecker`) reads as the default, so the cross-field rules can
/// still run and report everything at once. Asking for a key the schema does not describe is a programming error.
struct ConfigReader {
    let value: JSONValue
    let schema: ConfigObjectSchema
    let path: JSONPath

    init(_ value: JSONValue?, _ schema: ConfigObjectSchema, at path: JSONPath) {
        self.value = value?.members == nil ? .object([]) : value!
        self.schema = schema
        self.path = path
    }

    private func field(_ key: String) -> ConfigField {
        guard let field = schema.field(key) else {
            preconditionFailure("configuration key \(key) is not in the schema")
        }
        return field
    }

    /// The value written in the file, if any (no default).
    func written(_ key: String) -> JSONValue? { value[field(key).key] }

    private func raw(_ key: String) -> JSONValue? { written(key) ?? field(key).defaultValue }

    func string(_ key: String) -> String? {
        if case .string(let text) = written(key) { return text }
        if case .string(let text) = field(key).defaultValue { return text }
        return nil
    }

    /// A `choice(of:)` key as its enum case. A written value the schema refused (already reported) reads as the
    /// default; a default that is not a case is a programming error.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, as _: Choice.Type = Choice.self) -> Choice
    where Choice.RawValue == String {
        if case .string(let text) = written(key), let choice = Choice(rawValue: text) { return choice }
        guard case .string(let text) = field(key).defaultValue, let choice = Choice(rawValue: text) else {
            preconditionFailure("configuration key \(key) has no default among \(Choice.self)'s cases")
        }
        return choice
    }

    func int(_ key: String) -> Int {
        if case .number(let lexeme) = written(key), let number = Int(lexeme) { return number }
        if case .number(let lexeme) = field(key).defaultValue, let number = Int(lexeme) { return number }
        return 0
    }

    func bool(_ key: String) -> Bool {
        if case .bool(let flag) = written(key) { return flag }
        if case .bool(let flag) = field(key).defaultValue { return flag }
        return false
    }

    func duration(_ key: String) -> Duration {
        if case .string(let text) = written(key), let duration = DurationText.parse(text) { return duration }
        if case .string(let text) = field(key).defaultValue, let duration = DurationText.parse(text) { return duration }
        return .zero
    }

    func strings(_ key: String) -> [String] {
        guard case .array(let elements) = raw(key) else { return [] }
        return elements.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    func stringMap(_ key: String) -> [String: String] {
        guard let members = raw(key)?.members else { return [:] }
        var map: [String: String] = [:]
        for member in members { if case .string(let text) = member.value { map[member.key] = text } }
        return map
    }

    func object(_ key: String) -> ConfigReader {
        guard case .object(let nested) = field(key).kind else { preconditionFailure("\(key) is not an object") }
        return ConfigReader(raw(key), nested, at: path.appending(key))
    }

    /// Path of `key` in this object.
    func path(_ key: String) -> JSONPath { path.appending(key) }
}

extension JSONValue {
    /// `self` with `overrides`' members laid over it, objects merged key by key (for a route over `defaults`).
    func merging(_ overrides: JSONValue) -> JSONValue {
        guard let base = members, let top = overrides.members else { return overrides }
        var merged = base
        for member in top {
            if let index = merged.firstIndex(where: { $0.key == member.key }) {
                merged[index].value = merged[index].value.merging(member.value)
            } else {
                merged.append(member)
            }
        }
        return .object(merged)
    }
}
