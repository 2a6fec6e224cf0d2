import Foundation

/// Where `sync-relay offsets reset --to` moves the group: the log start, the log end, the first record at or after a
/// moment, or the first record at or after some time ago.
public enum OffsetResetTarget: Sendable, Equatable, CustomStringConvertible {
    /// The first offset still in the log (what `startFrom: earliest` gives a new group).
    case earliest
    /// The log end: skip everything not yet relayed.
    case latest
    /// The first record whose timestamp is at or after this moment (Unix milliseconds).
    case time(milliseconds: Int64)
    /// The first record at or after this long before now.
    case ago(Duration)

    /// What `--to` takes, for messages.
    public static let meaning =
        "earliest, latest, an RFC 3339 time (2026-12-07T09:30:00Z) or a negative duration "
        + "(-15m, -2h, -1d; units ms, s, m, h, d)"

    /// Reads `--to` as `kafka.startFrom` is read (`StartPosition`, one parser for both): `earliest`, `latest`, an
    /// RFC 3339 time with a zone (`2026-12-07T09:30:00Z`, `2026-12-07T10:30:00.250+01:00`), or a minus sign and a
    /// duration as the configuration writes them (`-15m`).
    public init(parsing text: String) throws(OffsetsToolError) {
        switch StartPosition(parsing: text) {
        case .earliest: self = .earliest
        case .latest: self = .latest
        case .time(let milliseconds, _): self = .time(milliseconds: milliseconds)
        case .ago(let duration): self = .ago(duration)
        case nil: throw OffsetsToolError(.badInput, "--to \(text): not understood; use \(Self.meaning)")
        }
    }

    /// The moment to look up with offsets-for-times (Unix milliseconds), given the time now; nil for `earliest`
    /// and `latest`, which need no lookup. Never below 0: Kafka reads the timestamps -1 and -2 as "latest" and
    /// "earliest", so a time before 1970 asks for the first record at or after 1970.
    public func timestamp(nowMilliseconds: Int64) -> Int64? {
        switch self {
        case .earliest, .latest: return nil
        case .time(let milliseconds): return max(0, milliseconds)
        case .ago(let duration):
            return StartPosition.ago(duration).lookupTimestamp(nowMilliseconds: nowMilliseconds).map { max(0, $0) }
        }
    }

    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .time(let milliseconds): OffsetsTime.rfc3339(milliseconds: milliseconds)
        case .ago(let duration): "-\(DurationText.format(duration))"
        }
    }
}

/// Times as the offsets tool prints them.
public enum OffsetsTime {
    /// `2026-12-07T09:30:00.250Z` (UTC, milliseconds only when there are any).
    public static func rfc3339(milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            milliseconds % 1000 == 0 ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// An age for a person, in at most two units: `850ms`, `42s`, `3m12s`, `5h4m`, `2d3h`. Negative ages (a
    /// producer's clock ahead of this host's) print as `0s`.
    public static func age(milliseconds: Int64) -> String {
        guard milliseconds >= 1000 else { return milliseconds <= 0 ? "0s" : "\(milliseconds)ms" }
        let seconds = milliseconds / 1000
        let units: [(String, Int64)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        guard let first = units.firstIndex(where: { seconds >= $0.1 }) else { return "0s" }
        let (unit, size) = units[first]
        var text = "\(seconds / size)\(unit)"
        if first + 1 < units.count {
            let (smallUnit, smallSize) = units[first + 1]
            let rest = (seconds % size) / smallSize
            if rest > 0 { text += "\(rest)\(smallUnit)" }
        }
        return text
    }
}
