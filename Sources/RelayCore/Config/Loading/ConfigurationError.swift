/// Why a configuration could not be loaded. Every case maps to exit status 78 (EX_CONFIG), which systemd's
/// `RestartPreventExitStatus=78` treats as "do not restart: a person must fix the file".
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file at the path.
    case fileMissing(path: String)
    /// The path is a directory.
    case isDirectory(path: String)
    /// The file exists but cannot be read (permissions, I/O).
    case unreadable(path: String, reason: String)
    /// The file is empty or only white space.
    case empty(path: String)
    /// The file is not valid JSON.
    case syntax(path: String, JSONSyntaxError)
    /// The document is valid JSON but not an object.
    case notAnObject(path: String, found: String)
    /// The document breaks one or more rules; every problem found, in document order.
    case problems(path: String, [ConfigurationProblem])

    /// The exit status for this error: EX_CONFIG.
    public static let exitStatus: Int32 = 78

    /// All problems, as one line each (the form `sync-relay check` prints).
    public var lines: [String] {
        switch self {
        case .fileMissing(let path): ["\(path): no such file; pass the configuration file with --config FILE"]
        case .isDirectory(let path): ["\(path): is a directory, not a configuration file"]
        case .unreadable(let path, let reason): ["\(path): cannot be read: \(reason)"]
        case .empty(let path): ["\(path): the file is empty; start from config.example.json"]
        case .syntax(let path, let error): ["\(path):\(error.line):\(error.column): invalid JSON: \(error.reason)"]
        case .notAnObject(let path, let found):
            ["\(path): the configuration must be a JSON object ({ ... }); found \(found)"]
        case .problems(let path, let problems): problems.map { "\(path): \($0)" }
        }
    }

    public var description: String { lines.joined(separator: "\n") }
}
