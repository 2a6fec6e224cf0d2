/// An RFC 6901 JSON Pointer such as `/vehicle/id` or `/items/0`: the path to one value inside a JSON document.
/// `~1` stands for `/` and `~0` for `~` in a token; the empty pointer is the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped.
    public let tokens: [String]
    /// The pointer as written.
    public let text: String

    /// Parses `text`, or throws a plain-English reason.
    public init(_ text: String) throws(StreamNameTemplate.TemplateError) {
        self.text = text
        guard !text.isEmpty else {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw StreamNameTemplate.TemplateError("JSON pointer '\(text)' must start with '/' (RFC 6901), e.g. /id")
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var rest = Substring(raw)
            while let tilde = rest.firstIndex(of: "~") {
                token += rest[..<tilde]
                let next = rest.index(after: tilde)
                switch next < rest.endIndex ? rest[next] : nil {
                case "0": token += "~"
                case "1": token += "/"
                default:
                    throw StreamNameTemplate.TemplateError(
                        "JSON pointer '\(text)' has '~' not followed by 0 or 1 (write ~0 for '~' and ~1 for '/')")
                }
                rest = rest[rest.index(after: next)...]
            }
            token += rest
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The value the pointer names in `document`, or nil when a member or index along the way is missing. An array
    /// index is decimal digits without leading zeros; `-` (past the end) names nothing.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let member = members.last(where: { $0.key == token }) else { return nil }
                current = member.value
            case .array(let elements):
                guard token.utf8.allSatisfy({ (0x30...0x39).contains($0) }), token == "0" || !token.hasPrefix("0"),
                    let index = Int(token), index < elements.count
                else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    public var description: String { text }
}
