/// The text forms of decoded Avro values that JSON has no type for: base64 bytes, exact decimals, UUIDs, and ISO 8601
/// dates, times and timestamps (docs/message-format.md, *Decoded values*).
enum AvroText {
    /// Standard base64 of `bytes`.
    static func base64(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        Base64.append(encoding: bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The exact decimal whose unscaled value is `bytes` (two's complement, big-endian) and whose scale is `scale`:
    /// "-12.30" for bytes of -1230 and scale 2; "0.05" for 5 and scale 2. Any length, without floating point.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> String {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        // Magnitude, big-endian: the two's complement negated when negative.
        var magnitude = Array(bytes)
        if negative {
            var carry = true
            for index in magnitude.indices.reversed() {
                magnitude[index] = ~magnitude[index]
                if carry {
                    let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                    magnitude[index] = sum
                    carry = overflow
                }
            }
        }
        // Repeated division by 10^9 of the big-endian magnitude gives base-10^9 limbs, least significant first.
        var limbs: [UInt32] = []
        var digits = magnitude.drop { $0 == 0 }.map { UInt32($0) }
        while !digits.isEmpty {
            var remainder: UInt64 = 0
            var quotient: [UInt32] = []
            quotient.reserveCapacity(digits.count)
            for digit in digits {
                let current = remainder << 8 | UInt64(digit)
                let q = current / 1_000_000_000
                remainder = current % 1_000_000_000
                if !quotient.isEmpty || q != 0 { quotient.append(UInt32(q)) }
            }
            limbs.append(UInt32(remainder))
            digits = quotient
        }
        var text = limbs.last.map { String($0) } ?? "0"
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        let isZero = limbs.allSatisfy { $0 == 0 }
        return negative && !isZero ? "-" + text : text
    }

    /// The canonical 8-4-4-4-12 lower-case hex form of 16 bytes.
    static func uuid(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
            output.append(hex[Int(byte >> 4)])
            output.append(hex[Int(byte & 15)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// "YYYY-MM-DD" for `days` since 1970-01-01 (proleptic Gregorian); years outside 0001–9999 as the number.
    static func date(days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        guard (1...9999).contains(year) else { return String(days) }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// "HH:MM:SS.fff" for a time of day in `unitsPerSecond` after midnight; out of a day's range as the number.
    static func time(_ value: Int64, unitsPerSecond: Int64, digits: Int) -> JSONValue {
        guard value >= 0, value < 86_400 * unitsPerSecond else { return .number(String(value)) }
        let seconds = value / unitsPerSecond
        let fraction = value % unitsPerSecond
        return .string(clock(seconds) + "." + pad(fraction, digits))
    }

    /// "YYYY-MM-DDTHH:MM:SS.fffZ" (no `Z` when not `utc`) for `value` in `unitsPerSecond` since the epoch; years
    /// outside 0001–9999 as the number.
    static func timestamp(_ value: Int64, unitsPerSecond: Int64, digits: Int, utc: Bool) -> JSONValue {
        var seconds = value / unitsPerSecond
        var fraction = value % unitsPerSecond
        if fraction < 0 {
            fraction += unitsPerSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var second = seconds % 86_400
        if second < 0 {
            second += 86_400
            days -= 1
        }
        let (year, month, day) = civil(days: days)
        guard (1...9999).contains(year) else { return .number(String(value)) }
        let text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + clock(second) + "." + pad(fraction, digits)
        return .string(utc ? text + "Z" : text)
    }

    private static func clock(_ seconds: Int64) -> String {
        pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Year, month and day of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
