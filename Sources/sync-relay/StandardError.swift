import Foundation

/// Lines for a person on standard error (problems, refusals), kept apart from data on standard output.
enum StandardError {
    /// Writes `line` and a newline to standard error.
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
