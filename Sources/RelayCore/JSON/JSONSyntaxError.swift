/// Why a text is not valid JSON, and where: 1-based line and column (columns count Unicode scalars).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public let line: Int
    /// 1-based column of the offending character.
    public let column: Int
    /// What was expected or found, in plain English.
    public let reason: String

    /// Creates an error.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line), column \(column): \(reason)" }
}
