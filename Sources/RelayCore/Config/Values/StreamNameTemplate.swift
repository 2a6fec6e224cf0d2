/// A stream unique-name template such as `orders-{partition}`: literal text and the placeholders `{topic}` and
/// `{partition}`. Parsing rejects what can never render; `problems(forTopic:)` rejects what renders invalid names.
public struct StreamNameTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a template.
    public enum Part: Sendable, Hashable {
        case literal(String)
        case topic
        case partition
    }

    /// The template's pieces in order.
    public let parts: [Part]
    /// The template as written.
    public let text: String

    /// Longest Kafka topic name, used for the worst case of `{topic}`.
    public static let longestTopicName = 249
    /// Longest decimal partition number (Int32).
    public static let longestPartition = 10

    /// Parses a template, or throws a plain-English reason.
    public init(_ text: String) throws(TemplateError) {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let first = rest.first {
            if first == "}" {
                throw TemplateError("'}' without a matching '{'; write placeholders as {topic} or {partition}")
            }
            guard first == "{" else {
                literal.append(first)
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else {
                throw TemplateError("'{' without a closing '}'; write placeholders as {topic} or {partition}")
            }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            switch name {
            case "topic": parts.append(.topic)
            case "partition": parts.append(.partition)
            default: throw TemplateError("unknown placeholder {\(name)}; the placeholders are {topic} and {partition}")
            }
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { throw TemplateError("the template is empty") }
        self.parts = parts
        self.text = text
    }

    /// Whether the name depends on the partition (one stream per partition).
    public var usesPartition: Bool { parts.contains(.partition) }

    /// The unique name for a record of `topic` and `partition`.
    public func render(topic: String, partition: Int32) -> String {
        var name = ""
        for part in parts {
            switch part {
            case .literal(let text): name += text
            case .topic: name += topic
            case .partition: name += String(partition)
            }
        }
        return name
    }

    /// Why this template can render an invalid unique name: for `topic` when known, else for any topic name.
    public func problem(forTopic topic: String?) -> String? {
        if let topic {
            // Partition numbers are digits: the worst case for length is the longest one.
            let longest = render(topic: topic, partition: Int32.max)
            if longest.count > TwilioIdentifier.maximumUniqueNameLength {
                return
                    "renders names up to \(longest.count) characters for topic '\(topic)', above Twilio's limit of \(TwilioIdentifier.maximumUniqueNameLength)"
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
            }
        }
        if longest > TwilioIdentifier.maximumUniqueNameLength {
            return
                "can render names up to \(longest) characters (topic names reach \(Self.longestTopicName)), above Twilio's limit of \(TwilioIdentifier.maximumUniqueNameLength); shorten the literal text"
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
