/// Durations as written in the configuration: a whole number and a unit, `ms`, `s`, `m`, `h` or `d`
/// (`250ms`, `30s`, `24h`). One form only, so a value cannot be misread as seconds or milliseconds.
public enum DurationText {
    /// The pattern a duration string matches (also used by the JSON Schema).
    public static let pattern = "^[0-9]{1,9}(ms|s|m|h|d)$"

    /// Parses `text`, or returns nil when it is not of the form `<digits><unit>`.
    public static func parse(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let amount = Int64(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "ms": return .milliseconds(amount)
        case "s": return .seconds(amount)
        case "m": return .seconds(amount * 60)
        case "h": return .seconds(amount * 3600)
        case "d": return .seconds(amount * 86_400)
        default: return nil
        }
    }

    /// Formats a duration in the largest unit that divides it exactly, e.g. `90s`, `24h`, `250ms`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }
}
