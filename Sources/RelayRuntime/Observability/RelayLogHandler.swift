import Logging
import RelayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log `LogHandler` writing one line per event to standard output, for journald (which adds the time, the
/// unit and the process) or any log shipper: `text` (`level message key=value ...`, metadata sorted by key) or `json`
/// (one object per line).
///
/// The executable bootstraps it once with `RelayLogHandler.bootstrap(level:format:)`; libraries only take a
/// `Logger`. It prints what it is given: callers never log secrets (`SecretText` prints as a mask) and log payloads
/// only at `trace`.
public struct RelayLogHandler: LogHandler {
    /// The metadata key an event's attached error is written under.
    public static let errorKey = "error"

    /// Receives each finished line (without its line break). Must be thread-safe.
    public typealias Output = @Sendable (String) -> Void

    /// The logger's label, shown in `json` lines.
    public let label: String
    /// The line format.
    public let format: LogConfiguration.Format
    /// The lowest level written: the one this logger was given, or for loggers made by `bootstrap` the process's
    /// level, which `setLevel` changes (a reload of `log.level`) until a logger is given its own.
    public var logLevel: Logger.Level {
        get { ownLevel ?? follows?.level ?? .info }
        set { ownLevel = newValue }
    }
    private var ownLevel: Logger.Level?
    private let follows: ProcessLevel?
    /// Metadata attached to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata added at each event (task-local context, for example).
    public var metadataProvider: Logger.MetadataProvider?
    private let output: Output

    /// A handler writing to `output` (standard output by default).
    public init(
        label: String,
        level: Logger.Level = .info,
        format: LogConfiguration.Format = .text,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: @escaping Output = RelayLogHandler.standardOutput
    ) {
        self.label = label
        self.ownLevel = level
        self.follows = nil
        self.format = format
        self.metadataProvider = metadataProvider
        self.output = output
    }

    /// Metadata of this logger by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line: this logger's metadata, then the provider's, then the event's (later ones win on a clash).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let eventMetadata = event.metadata { merged.merge(eventMetadata) { _, new in new } }
        if let error = event.error, merged[Self.errorKey] == nil { merged[Self.errorKey] = .string("\(error)") }
        output(format.line(level: event.level, message: event.message.description, label: label, metadata: merged))
    }

    /// A handler that follows `level` (for `bootstrap`: the process's, which `setLevel` changes).
    init(
        label: String, following level: ProcessLevel, format: LogConfiguration.Format,
        metadataProvider: Logger.MetadataProvider?, output: @escaping Output = RelayLogHandler.standardOutput
    ) {
        self.label = label
        self.ownLevel = nil
        self.follows = level
        self.format = format
        self.metadataProvider = metadataProvider
        self.output = output
    }

    /// Bootstraps swift-log with this handler for the whole process. Call once, first thing in the executable.
    /// `metadataProvider` adds metadata to every event (task-local context, for example). Every logger follows
    /// the process's level, which starts at `level` and `setLevel` changes.
    public static func bootstrap(
        level: Logger.Level, format: LogConfiguration.Format, metadataProvider: Logger.MetadataProvider? = nil
    ) {
        processLevel.level = level
        LoggingSystem.bootstrap(
            { label, provider in
                RelayLogHandler(label: label, following: processLevel, format: format, metadataProvider: provider)
            },
            metadataProvider: metadataProvider)
    }

    /// Changes the level of every logger made by `bootstrap` (that was not given its own), at once.
    public static func setLevel(_ level: Logger.Level) {
        processLevel.level = level
    }

    private static let processLevel = ProcessLevel()

    /// The process-wide level, read on every log call (one relaxed atomic load).
    final class ProcessLevel: Sendable {
        private let index = Atomic<Int>(Logger.Level.allCases.firstIndex(of: .info)!)
        var level: Logger.Level {
            get { Logger.Level.allCases[index.load(ordering: .relaxed)] }
            set { index.store(Logger.Level.allCases.firstIndex(of: newValue)!, ordering: .relaxed) }
        }
    }

    /// Bootstraps from the configuration's `log` section.
    public static func bootstrap(_ configuration: LogConfiguration) {
        bootstrap(level: Logger.Level(configuration.level), format: configuration.format)
    }

    /// Writes `line` and a line break to standard output in one `write(2)`, so lines from many threads never mix.
    public static let standardOutput: Output = { line in
        StandardOutput.shared.write(line + "\n")
    }
}

/// Standard output, written whole lines at a time under a lock (a pipe to journald may take a line in pieces).
private final class StandardOutput: Sendable {
    static let shared = StandardOutput()
    private let lock = Mutex(())

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return  // Nowhere to report a failing stdout; drop the line rather than spin.
                    }
                }
            }
        }
    }
}

/// `write(2)`, named apart from the methods called `write`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

extension Logger.Level {
    /// The configured level as swift-log's.
    public init(_ level: LogConfiguration.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
