import Logging
import Synchronization

/// A logger whose lines (`message key=value ...`, metadata sorted) a test can search.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger writing here, at `info` and above.
    var logger: Logger {
        Logger(label: "test") { _ in Handler(sink: self) }
    }

    /// Whether one line contains every one of `fragments`.
    func contains(_ fragments: String...) -> Bool {
        lines.withLock { lines in lines.contains { line in fragments.allSatisfy { line.contains($0) } } }
    }

    /// Every line so far, for a failure's message.
    var all: [String] { lines.withLock { $0 } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            sink.append(([event.message.description] + fields).joined(separator: " "))
        }
    }
}
