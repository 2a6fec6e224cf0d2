/// Where a partition with no committed offset in the group starts: the `kafka.startFrom` key.
///
/// `earliest` and `latest` are librdkafka's `auto.offset.reset`. A time (RFC 3339, `2026-12-06T09:30:00Z`) or a
/// duration back from the assignment (`-1h`) is resolved per partition with offsets-for-times when the partition is
/// assigned: the first record whose timestamp is at or after it, or the end when there is none. A committed offset
/// the broker no longer holds restarts at `earliest` for both, so nothing is skipped there.
public enum StartPosition: Sendable, Equatable, CustomStringConvertible {
    /// The oldest record the broker still holds: a new group, or a partition added to a topic, loses nothing.
    case earliest
    /// Only records produced after the partition was assigned.
    case latest
    /// The first record at or after this time (milliseconds since the Unix epoch, as Kafka timestamps).
    case time(milliseconds: Int64, text: String)
    /// The first record at or after this long before the partition's assignment.
    case ago(Duration)

    /// The pattern `kafka.startFrom` matches (also used by the JSON Schema); `init(parsing:)` checks the rest.
    public static let pattern =
        "^(earliest|latest|-[0-9]{1,9}(ms|s|m|h|d)|[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))$"
    /// What the pattern means, for error messages.
    public static let meaning =
        "earliest, latest, an RFC 3339 time (2026-12-06T09:30:00Z) or a duration back from now (-1h)"

    /// Parses `earliest`, `latest`, `-<duration>` or an RFC 3339 date-time; nil otherwise.
    public init?(parsing text: String) {
        switch text {
        case "earliest": self = .earliest
        case "latest": self = .latest
        default:
            if text.hasPrefix("-") {
                guard let duration = DurationText.parse(String(text.dropFirst())), duration > .zero else { return nil }
                self = .ago(duration)
            } else if let milliseconds = RFC3339.milliseconds(text) {
                self = .time(milliseconds: milliseconds, text: text)
            } else {
                return nil
            }
        }
    }

    /// As written in the configuration.
    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .time(_, let text): text
        case .ago(let duration): "-\(DurationText.format(duration))"
        }
    }

    /// librdkafka's `auto.offset.reset`: where a partition starts when it has no committed offset (for `earliest`
    /// and `latest`) or its committed offset is out of range (for all: `latest` only when asked for).
    public var autoOffsetReset: String { self == .latest ? "latest" : "earliest" }

    /// The Kafka timestamp to look offsets up for, when a partition is assigned at `nowMilliseconds` (Unix
    /// milliseconds); nil for `earliest` and `latest`.
    public func lookupTimestamp(nowMilliseconds: Int64) -> Int64? {
        switch self {
        case .earliest, .latest: nil
        case .time(let milliseconds, _): milliseconds
        case .ago(let duration):
            nowMilliseconds - duration.components.seconds * 1000 - duration.components.attoseconds
                / 1_000_000_000_000_000
        }
    }
}

/// RFC 3339 date-times (`2026-12-06T09:30:00Z`, `2026-12-06T10:30:00.250+01:00`) to Unix milliseconds.
enum RFC3339 {
    /// The instant `text` names in milliseconds since the Unix epoch, or nil when it is not an RFC 3339 date-time
    /// (or names a day or time that does not exist: February 30, 24:00, second 61).
    static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count, !range.isEmpty else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, _ allowed: String) -> Bool {
            index < bytes.count && allowed.utf8.contains(bytes[index])
        }
        guard bytes.count >= 20, byte(4, "-"), byte(7, "-"), byte(10, "Tt"), byte(13, ":"), byte(16, ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var milliseconds: Int64 = 0
        if byte(index, ".") {
            let start = index + 1
            index = start
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            guard index > start else { return nil }
            // Milliseconds: the first three digits of the fraction, the rest dropped (Kafka's resolution).
            let digits = Array(bytes[start..<min(index, start + 3)]) + Array(repeating: UInt8(ascii: "0"), count: 3)
            milliseconds = Int64(digits[0] - 48) * 100 + Int64(digits[1] - 48) * 10 + Int64(digits[2] - 48)
        }
        var offsetMinutes: Int64 = 0
        if byte(index, "Zz"), index + 1 == bytes.count {
            offsetMinutes = 0
        } else if byte(index, "+-"), index + 6 == bytes.count, byte(index + 3, ":"),
            let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6), hours < 24,
            minutes < 60
        {
            offsetMinutes = (hours * 60 + minutes) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let daysInMonth: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[Int(month) - 1]).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        return seconds * 1000 + milliseconds
    }
}
