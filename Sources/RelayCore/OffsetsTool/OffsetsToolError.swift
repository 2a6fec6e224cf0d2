/// A problem of `sync-relay offsets`: bad input, a broker that cannot answer, or a refused reset. The code decides
/// the exit status; the reason is one line for an operator.
public struct OffsetsToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        /// The operator asked for something that cannot be (an unknown topic, a partition out of range, a `--to`
        /// that does not parse).
        public static let badInput = Code(name: "badInput")
        /// The cluster did not answer what the tool needs (metadata, offsets, the group's description).
        public static let unavailable = Code(name: "unavailable")
        /// A reset was refused: the group has active members.
        public static let groupActive = Code(name: "groupActive")
        public var description: String { name }
    }

    /// The problem's code.
    public let code: Code
    /// One line for the operator.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
