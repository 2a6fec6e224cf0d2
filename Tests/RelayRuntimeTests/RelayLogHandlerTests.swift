import Logging
import RelayCore
import Synchronization
import Testing

@testable import RelayRuntime

@Suite("Relay log handler")
struct RelayLogHandlerTests {
    /// A logger whose handler writes into `sink`.
    func logger(format: LogConfiguration.Format, level: Logger.Level = .info, sink: LineSink) -> Logger {
        Logger(label: "sync-relay") { label in
            RelayLogHandler(label: label, level: level, format: format) { sink.append($0) }
        }
    }

    /// A reload of `log.level` changes every logger the process made, at once; one given its own level keeps it.
    @Test func loggersFollowTheProcessLevelUntilGivenTheirOwn() {
        let sink = LineSink()
        let level = RelayLogHandler.ProcessLevel()
        let follower = Logger(label: "sync-relay") { label in
            RelayLogHandler(label: label, following: level, format: .text, metadataProvider: nil) { sink.append($0) }
        }
        var own = follower
        own.logLevel = .error
        follower.debug("hidden")
        level.level = .debug
        follower.debug("shown")
        own.debug("still hidden")
        level.level = .warning
        follower.info("hidden again")
        #expect(sink.lines == ["debug shown"])
        #expect(follower.logLevel == .warning)
        #expect(own.logLevel == .error)
    }

    @Test func textLinesHaveLevelMessageAndSortedMetadata() {
        let sink = LineSink()
        var logger = logger(format: .text, sink: sink)
        logger[metadataKey: "relay.instance"] = "a"
        logger.info("stream.created", metadata: ["relay.stream": "orders", "relay.ttl": .stringConvertible(3600)])
        logger.warning("records.dropped", metadata: ["relay.reason": "max-age", "relay.count": "12"])
        logger.debug("not.shown")
        #expect(
            sink.lines == [
                "info stream.created relay.instance=a relay.stream=orders relay.ttl=3600",
                "warning records.dropped relay.count=12 relay.instance=a relay.reason=max-age",
            ])
    }

    @Test func textValuesThatCouldBreakTheLineAreQuoted() {
        let sink = LineSink()
        let logger = logger(format: .text, sink: sink)
        logger.error(
            "twilio.failed", metadata: ["relay.reason": "bad\nline", "relay.note": "a b=c", "relay.empty": ""])
        #expect(
            sink.lines == [
                #"error twilio.failed relay.empty="" relay.note="a b=c" relay.reason="bad\nline""#
            ])
    }

    @Test func jsonLinesAreOneObjectEach() throws {
        let sink = LineSink()
        let logger = logger(format: .json, level: .trace, sink: sink)
        logger.trace("record.payload", metadata: ["relay.payload": "{\"a\":1}", "relay.partitions": ["0", "1"]])
        logger.notice("relay.ready")
        let written = sink.lines
        #expect(written.count == 2)
        #expect(written.allSatisfy { !$0.contains("\n") })
        let first = try JSONParser.parse(written[0])
        #expect(first["level"] == .string("trace"))
        #expect(first["message"] == .string("record.payload"))
        #expect(first["label"] == .string("sync-relay"))
        #expect(first["metadata"]?.members?.map(\.key) == ["relay.partitions", "relay.payload"])
        #expect(first["metadata"]?["relay.payload"] == .string("{\"a\":1}"))
        #expect(first["metadata"]?["relay.partitions"] == .array([.string("0"), .string("1")]))
        #expect(written[1] == #"{"level":"notice","message":"relay.ready","label":"sync-relay"}"#)
    }

    @Test func eventMetadataWinsOverLoggerMetadataAndErrorsAreShown() {
        let sink = LineSink()
        var logger = logger(format: .text, sink: sink)
        logger[metadataKey: "relay.stream"] = "old"
        logger.error("publish.failed", error: SampleError(), metadata: ["relay.stream": "new"])
        #expect(sink.lines == ["error publish.failed error=sample relay.stream=new"])
    }

    @Test func levelAndFormatComeFromTheConfiguration() {
        #expect(LogConfiguration.Format(rawValue: "json") == .json)
        #expect(LogConfiguration.Format(rawValue: "text") == .text)
        #expect(LogConfiguration.Format.allCases.map(\.rawValue) == ["text", "json"])
        #expect(
            LogConfiguration.Level.allCases.map { Logger.Level($0).rawValue } == Logger.Level.allCases.map(\.rawValue))
        let handler = RelayLogHandler(label: "x", level: .warning, format: .json) { _ in }
        #expect(handler.logLevel == .warning)
        #expect(handler.format == .json)
    }
}

private struct SampleError: Error, CustomStringConvertible {
    var description: String { "sample" }
}

/// Collects the lines a handler writes.
final class LineSink: Sendable {
    private let written = Mutex<[String]>([])
    var lines: [String] { written.withLock { $0 } }
    func append(_ line: String) { written.withLock { $0.append(line) } }
}
