/// A stream unique-name template such as `orders-{partition}` or `vehicle-{key}`: literal text and placeholders.
/// `{topic}` and `{partition}` come from where the record was read; `{key}`, `{header:NAME}` and
/// `{value:/json/pointer}` come from the record itself (a *keyed* template: one stream per entity).
///
/// Parsing rejects what can never render; `problem(forTopic:)` rejects what renders invalid names;
/// `render(_:)` (in `StreamNameTemplate+Rendering.swift`) renders a record's name, escaping the record's values so
/// that two different values never give the same name.
public struct StreamNameTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a template.
    public enum Part: Sendable, Hashable {
        case literal(String)
        case topic
        case partition
        /// The record key, as UTF-8 text (escaped).
        case key
        /// The value of the record header with this name (escaped).
        case header(String)
        /// The scalar the pointer names in the record's JSON value (escaped).
        case value(JSONPointer)

        /// Whether the part comes from the record's key, headers or value.
        var isFromRecord: Bool {
            switch self {
            case .key, .header, .value: true
            case .literal, .topic, .partition: false
            }
        }
    }

    /// The template's pieces in order.
    public let parts: [Part]
    /// The template as written.
    public let text: String
    /// Whether any part comes from the record (`{key}`, `{header:…}`, `{value:…}`).
    public let isKeyed: Bool
    /// Whether a part reads the record value (`{value:…}`), so routing needs its JSON document.
    public var usesValue: Bool { parts.contains { if case .value = $0 { true } else { false } } }
    /// Characters of the literal text that rendered values must escape, beyond the always-escaped ones.
    let reservedSeparators: EscapedValue.Reserved

    /// Longest Kafka topic name, used for the worst case of `{topic}`.
    public static let longestTopicName = 249
    /// Longest decimal partition number (Int32).
    public static let longestPartition = 10

    static let placeholderHelp = "the placeholders are {topic}, {partition}, {key}, {header:NAME} and {value:/pointer}"

    /// Parses a template, or throws a plain-English reason.
    public init(_ text: String) throws(TemplateError) {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let first = rest.first {
            if first == "}" { throw TemplateError("'}' without a matching '{'; \(Self.placeholderHelp)") }
            guard first == "{" else {
                literal.append(first)
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else {
                throw TemplateError("'{' without a closing '}'; \(Self.placeholderHelp)")
            }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(try Self.placeholder(String(name)))
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { throw TemplateError("the template is empty") }
        self.parts = parts
        self.text = text
        isKeyed = parts.contains { $0.isFromRecord }
        reservedSeparators = EscapedValue.Reserved(
            literals: parts.compactMap { if case .literal(let text) = $0 { text } else { nil } })
        if isKeyed { try checkSeparators() }
    }

    private static func placeholder(_ name: String) throws(TemplateError) -> Part {
        switch name {
        case "topic": return .topic
        case "partition": return .partition
        case "key": return .key
        default: break
        }
        if name.hasPrefix("header:") {
            let header = String(name.dropFirst("header:".count))
            guard !header.isEmpty else { throw TemplateError("{header:} needs a header name, e.g. {header:tenant}") }
            return .header(header)
        }
        if name.hasPrefix("value:") {
            let pointer = String(name.dropFirst("value:".count))
            guard !pointer.isEmpty else {
                throw TemplateError("{value:} needs a JSON pointer to a field, e.g. {value:/vehicle/id}")
            }
            return .value(try JSONPointer(pointer))
        }
        throw TemplateError("unknown placeholder {\(name)}; \(placeholderHelp)")
    }

    /// In a keyed template, every two placeholders must be separated by literal text holding a character that no
    /// rendered value can contain (anything but ASCII letters, digits and `~`), or two different values could give
    /// the same name (`{key}{partition}`: key `1`, partition 23 and key `12`, partition 3).
    private func checkSeparators() throws(TemplateError) {
        var previousPlaceholder = false
        var separated = true
        for part in parts {
            if case .literal(let text) = part {
                if text.unicodeScalars.contains(where: { !EscapedValue.isAlphanumeric($0) && $0 != "~" }) {
                    separated = true
                }
                continue
            }
            if previousPlaceholder && !separated {
                throw TemplateError(
                    "two placeholders need literal text between them with a character other than letters, digits and '~' (e.g. '-' or '.'), so that different values never render the same name"
                )
            }
            previousPlaceholder = true
            separated = false
        }
    }

    /// Whether every name the template renders starts with fixed text the operator wrote: true for a template that is
    /// not keyed, and for a keyed one that starts with literal text (`vehicle-{key}`). A keyed template that starts
    /// with a placeholder (`{key}`, `{topic}-{key}`) lets whoever produces to the topic choose the whole name.
    public var isConfined: Bool {
        guard isKeyed else { return true }
        if case .literal = parts.first { return true }
        return false
    }

    /// Why a keyed template that is not confined is refused (`what`: the objects it names, e.g. "stream"), naming the
    /// opt-in that allows it.
    public func confinementProblem(naming what: String) -> String? {
        guard !isConfined else { return nil }
        return
            "a name from the record must start with literal text (e.g. vehicle-\(text)): as written, whoever produces to the topic chooses the whole name and could write into any \(what) of the Sync service, including those other routes or applications own; add a prefix, or set unconfinedNames: true on the route to allow it"
    }

    /// Whether the name depends on the partition (one stream per partition).
    public var usesPartition: Bool { parts.contains(.partition) }

    /// Whether the name depends on the topic (streams of different topics never share a name).
    public var usesTopic: Bool { parts.contains(.topic) }

    /// Whether each stream is fed by a single partition, so that partition's owner may use the stream's whole
    /// budget: the name has `{partition}`, or `{key}` (Kafka's default partitioner puts a key on one partition).
    public var isFedByOnePartition: Bool { usesPartition || parts.contains(.key) }

    /// The unique name for `topic` and `partition` of a template that is not keyed (record parts render empty).
    public func render(topic: String, partition: Int32) -> String {
        var name = ""
        for part in parts {
            switch part {
            case .literal(let text): name += text
            case .topic: name += topic
            case .partition: name += String(partition)
            case .key, .header, .value: break
            }
        }
        return name
    }

    /// Why this template can render an invalid unique name: for `topic` when known, else for any topic name. A
    /// keyed template is checked on its fixed parts (record values are checked per record).
    public func problem(forTopic topic: String?) -> String? {
        let limit = TwilioIdentifier.maximumUniqueNameLength
        if isKeyed {
            let fixed = parts.reduce(0) { total, part in
                switch part {
                case .literal(let text): total + text.count
                case .topic: total + (topic.map { EscapedValue.escapedLength(of: Array($0.utf8), reserved: []) } ?? 1)
                case .partition: total + 1
                case .key, .header, .value: total
                }
            }
            if fixed > limit {
                return
                    "its fixed text alone is \(fixed) characters, above Twilio's limit of \(limit): no record could be routed; shorten the literal text"
            }
            return nil
        }
        if let topic {
            // Partition numbers are digits: the worst case for length is the longest one.
            let longest = render(topic: topic, partition: Int32.max)
            if longest.count > limit {
                return
                    "renders names up to \(longest.count) characters for topic '\(topic)', above Twilio's limit of \(limit)"
            }
            if !usesPartition, let problem = TwilioIdentifier.uniqueNameProblem(render(topic: topic, partition: 0)) {
                return "renders an invalid name for topic '\(topic)': \(problem)"
            }
            return nil
        }
        let longest = parts.reduce(0) { total, part in
            switch part {
            case .literal(let text): total + text.count
            case .topic: total + Self.longestTopicName
            case .partition: total + Self.longestPartition
            case .key, .header, .value: total
            }
        }
        if longest > limit {
            return
                "can render names up to \(longest) characters (topic names reach \(Self.longestTopicName)), above Twilio's limit of \(limit); shorten the literal text"
        }
        if parts.count == 1, case .literal(let text) = parts[0], let problem = TwilioIdentifier.uniqueNameProblem(text)
        {
            return problem
        }
        return nil
    }

    public var description: String { text }

    /// Why a template does not parse.
    public struct TemplateError: Error, Sendable, Equatable {
        /// The reason, in plain English.
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
