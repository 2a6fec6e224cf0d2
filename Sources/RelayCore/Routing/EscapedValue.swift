/// How a value from a record (and, in a keyed template, the topic) is written into a stream name, so that the name
/// is always one Twilio accepts and two different values never give the same name:
///
/// - ASCII letters and digits, `-` and `_` are kept;
/// - every other byte of the value's UTF-8 (or raw) bytes is written `~HH`, two uppercase hexadecimal digits: `/`
///   becomes `~2F`, `~` becomes `~7E`, `é` becomes `~C3~A9`, a binary key's byte 0xFF becomes `~FF`;
/// - `-` and `_` are escaped too (`~2D`, `~5F`) when the template's literal text contains them, so a value can never
///   contain the separator that ends it.
///
/// Decoding is unique (`~` only ever starts an escape), which is what makes rendering injective; see
/// docs/configuration.md, *Stream names from the record*.
enum EscapedValue {
    /// The separators of the template's literal text that values escape as well.
    struct Reserved: Sendable, Hashable, ExpressibleByArrayLiteral {
        var hyphen = false
        var underscore = false

        init(literals: [String]) {
            hyphen = literals.contains { $0.contains("-") }
            underscore = literals.contains { $0.contains("_") }
        }

        init(arrayLiteral elements: Never...) {}
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && isAlphanumeric(UInt8(scalar.value))
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    @inline(__always)
    static func isKept(_ byte: UInt8, reserved: Reserved) -> Bool {
        if isAlphanumeric(byte) { return true }
        if byte == UInt8(ascii: "-") { return !reserved.hyphen }
        if byte == UInt8(ascii: "_") { return !reserved.underscore }
        return false
    }

    /// Appends `bytes`, escaped, to `name`; with `escapeFirst`, the first byte is escaped even when it is kept
    /// (used to keep a name from looking like a SID: decoding stays unique, since `~` is never kept).
    static func append(
        _ bytes: some Collection<UInt8>, reserved: Reserved, escapeFirst: Bool = false, to name: inout [UInt8]
    ) {
        var first = escapeFirst
        for byte in bytes {
            if !first && isKept(byte, reserved: reserved) {
                name.append(byte)
            } else {
                name.append(UInt8(ascii: "~"))
                name.append(hexDigits[Int(byte >> 4)])
                name.append(hexDigits[Int(byte & 0x0F)])
            }
            first = false
        }
    }

    /// The length of `bytes` once escaped.
    static func escapedLength(of bytes: some Collection<UInt8>, reserved: Reserved) -> Int {
        bytes.reduce(0) { $0 + (isKept($1, reserved: reserved) ? 1 : 3) }
    }

    /// Decodes an escaped value (for tests and tools): nil when `text` is not a valid escaping.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "~") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
