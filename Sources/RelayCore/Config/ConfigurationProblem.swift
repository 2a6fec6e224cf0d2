/// One thing wrong with a configuration: where it is and what to do about it. Messages never quote a secret.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, e.g. `$.twilio.accountSid`.
    public let path: JSONPath
    /// What is wrong and how to fix it, in plain English.
    public let message: String

    /// Creates a problem.
    public init(_ path: JSONPath, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
