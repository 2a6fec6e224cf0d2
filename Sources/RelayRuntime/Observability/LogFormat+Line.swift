import Logging
import RelayCore

/// How `RelayLogHandler` writes a line in the configured `log.format`: `text` gives
/// `info stream.created relay.stream=orders ttl=3600` (easy to read in `journalctl`), `json` gives
/// `{"level":"info","message":"stream.created","label":"sync-relay","metadata":{...}}` (for log shippers).
extension LogConfiguration.Format {
    /// Renders one event as one line, without the line break. Metadata is sorted by key so lines are stable.
    func line(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        let sorted = metadata.sorted { $0.key < $1.key }
        switch self {
        case .text:
            var line = level.rawValue + " " + Self.textValue(message)
            for (key, value) in sorted {
                line += " " + key + "=" + Self.textValue(value)
            }
            return line
        case .json:
            var members = [
                JSONMember("level", .string(level.rawValue)),
                JSONMember("message", .string(message)),
                JSONMember("label", .string(label)),
            ]
            if !sorted.isEmpty {
                let fields = sorted.map { JSONMember($0.key, Self.jsonValue($0.value)) }
                members.append(JSONMember("metadata", .object(fields)))
            }
            return JSONValue.object(members).text()
        }
    }

    /// A metadata value as text: bare when it is a plain word, otherwise quoted with JSON escapes, so a value can
    /// never break the line or fake another `key=value` pair.
    static func textValue(_ value: Logger.MetadataValue) -> String {
        textValue(value.description)
    }

    private static func textValue(_ text: String) -> String {
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains { scalar in
                scalar.value <= 0x20 || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value == 0x7F
            }
        return needsQuotes ? JSONValue.quoted(text) : text
    }

    /// A metadata value as JSON: strings stay strings, arrays and dictionaries keep their shape.
    static func jsonValue(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(jsonValue))
        case .dictionary(let values):
            .object(values.sorted { $0.key < $1.key }.map { JSONMember($0.key, jsonValue($0.value)) })
        }
    }
}
