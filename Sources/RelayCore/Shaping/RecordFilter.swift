/// A route's `filter`: a predicate over a record's key, headers, topic and (decoded) value fields. Records it
/// rejects are done (their offsets commit) and counted. The language (docs/configuration.md, *Filters*):
///
/// ```
/// expression := term ("or" term)*
/// term       := factor ("and" factor)*
/// factor     := "not" factor | "(" expression ")" | test
/// test       := subject ("==" | "!=" | "<" | "<=" | ">" | ">=" | "~") literal
///             | subject "in" "[" literal ("," literal)* "]"
///             | subject "exists"
/// subject    := "key" | "topic" | "header(" string ")" | "value(" string ")"   (a JSON pointer, e.g. value("/status"))
/// literal    := a JSON string, number, true, false or null
/// ```
///
/// `key`, `topic` and headers are strings (a key decoded from a registry format is its JSON value). `==` compares
/// JSON values (numbers by value); `!=` is its negation, so a missing subject is `!=` anything. `<`, `<=`, `>`, `>=`
/// compare two numbers, or two strings by code points; `~` is a regular expression search in a string (or a
/// number's text). A missing subject fails every test but `!=`.
public struct RecordFilter: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let description: String
    let root: Expression

    public static func == (lhs: RecordFilter, rhs: RecordFilter) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    /// What a test looks at.
    enum Subject: Sendable, Hashable {
        case key, topic
        case header(String)
        case value(JSONPointer)
    }

    enum Comparison: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case matches = "~"
    }

    indirect enum Expression: Sendable {
        case or(Expression, Expression)
        case and(Expression, Expression)
        case not(Expression)
        case compare(Subject, Comparison, JSONValue, SendableRegex?)
        case oneOf(Subject, [JSONValue])
        case exists(Subject)
    }

    /// A compiled regular expression (Swift's `Regex` is not `Sendable`; a compiled one is only read).
    struct SendableRegex: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    /// Why a filter cannot be parsed, with the character offset.
    public struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `text`, or throws a plain-English reason.
    public init(_ text: String) throws(FilterError) {
        description = text
        var parser = FilterParser(text: Array(text.unicodeScalars))
        root = try parser.parseAll()
    }

    /// What a record offers to the filter: its key (text or decoded), topic, headers and decoded value.
    public struct Input {
        public var record: SourceRecord
        /// The key as the filter sees it (decoded, or the raw key's text); nil when absent or not text.
        public var key: JSONValue?
        /// The value's JSON document; nil when it is not JSON.
        public var document: JSONValue?

        public init(record: SourceRecord, key: JSONValue?, document: JSONValue?) {
            self.record = record
            self.key = key
            self.document = document
        }
    }

    /// Whether the filter keeps the record.
    public func keeps(_ input: Input) -> Bool { evaluate(root, input) }

    private func evaluate(_ expression: Expression, _ input: Input) -> Bool {
        switch expression {
        case .or(let left, let right): return evaluate(left, input) || evaluate(right, input)
        case .and(let left, let right): return evaluate(left, input) && evaluate(right, input)
        case .not(let inner): return !evaluate(inner, input)
        case .exists(let subject): return resolve(subject, input) != nil
        case .oneOf(let subject, let literals):
            guard let value = resolve(subject, input) else { return false }
            return literals.contains { Self.equal(value, $0) }
        case .compare(let subject, let comparison, let literal, let regex):
            guard let value = resolve(subject, input) else { return comparison == .notEqual }
            switch comparison {
            case .equal: return Self.equal(value, literal)
            case .notEqual: return !Self.equal(value, literal)
            case .matches:
                let text: String
                switch value {
                case .string(let string): text = string
                case .number(let lexeme): text = lexeme
                case .bool(let flag): text = flag ? "true" : "false"
                default: return false
                }
                return (try? regex?.regex.firstMatch(in: text)) != nil
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                let order: Int
                switch (value, literal) {
                case (.number(let a), .number(let b)):
                    guard let x = Double(a), let y = Double(b) else { return false }
                    order = x < y ? -1 : (x > y ? 1 : 0)
                case (.string(let a), .string(let b)):
                    order = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (a == b ? 0 : 1)
                default: return false
                }
                switch comparison {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        }
    }

    private func resolve(_ subject: Subject, _ input: Input) -> JSONValue? {
        switch subject {
        case .key: return input.key
        case .topic: return .string(input.record.topic)
        case .header(let name):
            guard let header = input.record.headers.first(where: { $0.name == name }), let value = header.value,
                UTF8Validator.isValid(value)
            else { return nil }
            return .string(String(decoding: value, as: UTF8.self))
        case .value(let pointer):
            return input.document.flatMap { pointer.resolve(in: $0) }
        }
    }

    /// JSON equality, numbers by value (`1` equals `1.0`).
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b {
            if x == y { return true }
            guard let p = Double(x), let q = Double(y) else { return false }
            return p == q
        }
        return a == b
    }
}

/// The recursive-descent parser of `RecordFilter`'s language.
private struct FilterParser {
    let text: [Unicode.Scalar]
    var position = 0

    mutating func parseAll() throws(RecordFilter.FilterError) -> RecordFilter.Expression {
        skipSpace()
        guard position < text.count else { throw problem("the filter is empty; write a test such as key == \"a\"") }
        let expression = try parseOr()
        skipSpace()
        guard position == text.count else { throw problem("unexpected '\(rest)' after a complete expression") }
        return expression
    }

    private var rest: String {
        var output = String.UnicodeScalarView()
        output.append(contentsOf: text[position...].prefix(20))
        return String(output)
    }

    private func problem(_ message: String) -> RecordFilter.FilterError {
        RecordFilter.FilterError(description: "at character \(position + 1): \(message)")
    }

    private mutating func skipSpace() {
        while position < text.count, text[position].properties.isWhitespace { position += 1 }
    }

    /// Consumes `word` (a keyword followed by a non-identifier character) when it comes next.
    private mutating func keyword(_ word: String) -> Bool {
        skipSpace()
        let scalars = Array(word.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars
        else { return false }
        let after = position + scalars.count
        if after < text.count, Self.isIdentifier(text[after]) { return false }
        position = after
        return true
    }

    private mutating func symbol(_ word: String) -> Bool {
        skipSpace()
        let scalars = Array(word.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars
        else { return false }
        position += scalars.count
        return true
    }

    private static func isIdentifier(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
    }

    private mutating func parseOr() throws(RecordFilter.FilterError) -> RecordFilter.Expression {
        var left = try parseAnd()
        while keyword("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(RecordFilter.FilterError) -> RecordFilter.Expression {
        var left = try parseNot()
        while keyword("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(RecordFilter.FilterError) -> RecordFilter.Expression {
        if keyword("not") { return .not(try parseNot()) }
        if symbol("(") {
            let inner = try parseOr()
            guard symbol(")") else { throw problem("expected ')'") }
            return inner
        }
        return try parseTest()
    }

    private mutating func parseTest() throws(RecordFilter.FilterError) -> RecordFilter.Expression {
        let subject = try parseSubject()
        if keyword("exists") { return .exists(subject) }
        if keyword("in") {
            guard symbol("[") else { throw problem("expected '[' after in") }
            var literals: [JSONValue] = [try parseLiteral()]
            while symbol(",") { literals.append(try parseLiteral()) }
            guard symbol("]") else { throw problem("expected ',' or ']' in the list") }
            return .oneOf(subject, literals)
        }
        for comparison in [
            RecordFilter.Comparison.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater, .matches,
        ]
        where symbol(comparison.rawValue) {
            let literal = try parseLiteral()
            var regex: RecordFilter.SendableRegex?
            if comparison == .matches {
                guard case .string(let pattern) = literal else {
                    throw problem("~ takes a regular expression in a string, such as \"^veh-\"")
                }
                do {
                    regex = RecordFilter.SendableRegex(regex: try Regex(pattern))
                } catch {
                    throw problem("the regular expression \"\(pattern)\" does not compile: \(error)")
                }
            }
            return .compare(subject, comparison, literal, regex)
        }
        throw problem("expected ==, !=, <, <=, >, >=, ~, in or exists after the subject, found '\(rest)'")
    }

    private mutating func parseSubject() throws(RecordFilter.FilterError) -> RecordFilter.Subject {
        if keyword("key") { return .key }
        if keyword("topic") { return .topic }
        if keyword("header") {
            guard let name = argument() else { throw problem("write a header as header(\"name\")") }
            return .header(name)
        }
        if keyword("value") {
            guard let text = argument() else { throw problem("write a value field as value(\"/json/pointer\")") }
            do {
                return .value(try JSONPointer(text))
            } catch {
                throw problem(error.reason)
            }
        }
        throw problem("expected key, topic, header(\"name\"), value(\"/pointer\"), not or '(' but found '\(rest)'")
    }

    /// `("text")`, the one string argument of `header` and `value`; nil when it is not there.
    private mutating func argument() -> String? {
        guard symbol("("), case .string(let text)? = try? parseLiteral(), symbol(")") else { return nil }
        return text
    }

    /// A JSON literal: a string, a number, true, false or null.
    private mutating func parseLiteral() throws(RecordFilter.FilterError) -> JSONValue {
        skipSpace()
        let start = position
        guard position < text.count else { throw problem("expected a value (a string, number, true, false or null)") }
        if text[position] == "\"" {
            position += 1
            while position < text.count, text[position] != "\"" {
                position += text[position] == "\\" ? 2 : 1
            }
            guard position < text.count else { throw problem("a string is not closed") }
            position += 1
        } else {
            while position < text.count,
                Self.isIdentifier(text[position]) || text[position] == "-" || text[position] == "+"
                    || text[position] == "."
            {
                position += 1
            }
        }
        var lexeme = String.UnicodeScalarView()
        lexeme.append(contentsOf: text[start..<position])
        let literal = String(lexeme)
        guard !literal.isEmpty, let value = try? JSONParser.parse(literal) else {
            position = start
            throw problem("expected a value (a JSON string, number, true, false or null), found '\(rest)'")
        }
        switch value {
        case .array, .object: throw problem("a value must be a string, number, true, false or null")
        default: return value
        }
    }
}
