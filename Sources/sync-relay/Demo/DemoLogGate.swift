import Logging
import Synchronization

/// Closes the demo's log output once the summary is printed: librdkafka's clients are released by their poll
/// threads a moment after the relay stopped, and one may still report the mock cluster gone ("Connection refused")
/// as the process ends, which would read as a failure right under the summary.
final class DemoLogGate: Sendable {
    private let closed = Atomic<Bool>(false)

    /// Drops every log line from now on.
    func close() { closed.store(true, ordering: .relaxed) }

    var isClosed: Bool { closed.load(ordering: .relaxed) }

    /// A handler that writes like `base` while the gate is open.
    func handler(_ base: some LogHandler) -> some LogHandler { GatedLogHandler(base: base, gate: self) }
}

private struct GatedLogHandler<Base: LogHandler>: LogHandler {
    var base: Base
    let gate: DemoLogGate

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard !gate.isClosed else { return }
        base.log(event: event)
    }
}
