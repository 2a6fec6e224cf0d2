/// Which topics a subscription or route means: one topic by name, or every topic matching a regular expression
/// (written with a leading `^`, as librdkafka takes subscription patterns).
public enum TopicSelector: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this topic.
    case name(String)
    /// Topics matching this expression (the text includes the leading `^`).
    case pattern(String)

    /// What a topic name may contain (Kafka's rule).
    public static let namePattern = "^[A-Za-z0-9._-]{1,249}$"
    /// A name or an expression starting with `^` (JSON Schema form).
    public static let pattern = "^(\\^.+|[A-Za-z0-9._-]{1,249})$"
    /// The plain-English form of `pattern`.
    public static let meaning =
        "a topic name (letters, digits, '.', '_', '-', at most 249) or a regular expression starting with '^'"

    /// Reads a selector from configuration text.
    public init(_ text: String) {
        self = text.hasPrefix("^") ? .pattern(text) : .name(text)
    }

    /// Why the expression does not compile, for a `.pattern`; nil otherwise.
    public var compileProblem: String? {
        guard case .pattern(let text) = self else { return nil }
        do {
            _ = try Regex(text)
            return nil
        } catch {
            return "the regular expression does not compile: \(error)"
        }
    }

    /// Whether `topic` is selected.
    public func matches(_ topic: String) -> Bool {
        switch self {
        case .name(let name): return name == topic
        case .pattern(let text):
            guard let regex = try? Regex(text) else { return false }
            return (try? regex.prefixMatch(in: topic)) != nil
        }
    }

    public var description: String {
        switch self {
        case .name(let name): name
        case .pattern(let text): text
        }
    }
}
