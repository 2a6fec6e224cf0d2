/// Small, allocation-free writers the encoder and the message frames use on `[UInt8]` buffers.
extension Array where Element == UInt8 {
    /// Appends the ASCII bytes of a static string (field names and punctuation).
    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `value` in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        let digits = DecimalDigits.count(value)
        let start = count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var remaining = value
        var position = start + digits - 1
        while remaining > 0 {
            self[position] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
            remaining /= 10
            position -= 1
        }
    }

    /// Appends `value` in decimal, with a leading `-` when negative.
    @inline(__always)
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends `text` as a complete JSON string, quotes included.
    @inline(__always)
    mutating func appendJSONString(_ text: [UInt8]) {
        append(UInt8(ascii: "\""))
        JSONEscaper.append(escaping: text, to: &self)
        append(UInt8(ascii: "\""))
    }
}

/// Decimal widths, used to measure numbers in message frames without writing them.
enum DecimalDigits {
    /// How many decimal digits `value` has.
    @inline(__always)
    static func count(_ value: UInt64) -> Int {
        var digits = 1
        var remaining = value
        while remaining >= 10 {
            remaining /= 10
            digits += 1
        }
        return digits
    }

    /// How many characters `value` takes in decimal, with its sign.
    @inline(__always)
    static func count(_ value: Int64) -> Int {
        value < 0 ? 1 + count(value.magnitude) : count(UInt64(value))
    }
}
