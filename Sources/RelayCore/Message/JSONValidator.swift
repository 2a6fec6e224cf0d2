/// A fast, byte-level check that bytes are one JSON text (RFC 8259): a single value with optional surrounding
/// whitespace, in well-formed UTF-8. It allocates only to read a number with an exponent or 309+ digits.
///
/// The packer uses it to decide whether a record value can be embedded as JSON. It is a recognizer, not a parser: it
/// builds nothing. Nesting deeper than `maximumDepth` is reported as invalid, so such a value is carried as text
/// (still exactly). A `\u` escape of a lone surrogate (a high one not followed by a low one, or a low one alone) is
/// reported as invalid, as I-JSON (RFC 7493) requires: the RFC 8259 grammar allows it, but many subscribers' parsers
/// (Foundation's `JSONSerialization`, Rust's serde_json, Go's strict decoders) refuse the whole message, so such a value
/// is carried as text instead, exactly. For the same reason a number outside IEEE 754 double range (`12e345`, a
/// 309-digit integer) is reported as invalid, as I-JSON asks.
public enum JSONValidator {
    /// The deepest nesting of arrays and objects accepted: 500, so that a value embedded in a message (three levels
    /// down: `{"r":[{"j":…}]}`) nests at most 503 deep, within the 512 levels that Foundation's `JSONSerialization`
    /// (Twilio's iOS SDK) parses.
    public static let maximumDepth = 500

    /// Whether `bytes` is one valid JSON text.
    @inlinable
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }

    /// Whether `bytes` is one valid JSON text.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        // One bit per nesting level: 1 = object, 0 = array. 8 words = 512 levels, on the stack.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (maximumDepth + 63) / 64) { stack in
            var scanner = Scanner(base: base, count: bytes.count, stack: stack.baseAddress!)
            return scanner.scanDocument()
        }
    }

    /// The state of one validation pass.
    struct Scanner {
        let base: UnsafePointer<UInt8>
        let count: Int
        let stack: UnsafeMutablePointer<UInt64>
        var index = 0
        var depth = 0

        init(base: UnsafePointer<UInt8>, count: Int, stack: UnsafeMutablePointer<UInt64>) {
            self.base = base
            self.count = count
            self.stack = stack
        }

        private enum State {
            case value
            case key
            case afterValue
        }

        @inline(__always)
        private mutating func skipWhitespace() {
            while index < count {
                let byte = base[index]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                index += 1
            }
        }

        @inline(__always)
        private mutating func push(object: Bool) -> Bool {
            guard depth < JSONValidator.maximumDepth else { return false }
            let word = depth >> 6
            let bit = UInt64(1) << UInt64(depth & 63)
            if object { stack[word] |= bit } else { stack[word] &= ~bit }
            depth += 1
            return true
        }

        @inline(__always)
        private func topIsObject() -> Bool {
            let level = depth - 1
            return stack[level >> 6] & (UInt64(1) << UInt64(level & 63)) != 0
        }

        mutating func scanDocument() -> Bool {
            var state = State.value
            while true {
                switch state {
                case .value:
                    skipWhitespace()
                    guard index < count else { return false }
                    switch base[index] {
                    case UInt8(ascii: "{"):
                        index += 1
                        skipWhitespace()
                        if index < count && base[index] == UInt8(ascii: "}") {
                            // An empty one is a level too.
                            guard depth < JSONValidator.maximumDepth else { return false }
                            index += 1
                            state = .afterValue
                        } else {
                            guard push(object: true) else { return false }
                            state = .key
                        }
                    case UInt8(ascii: "["):
                        index += 1
                        skipWhitespace()
                        if index < count && base[index] == UInt8(ascii: "]") {
                            // An empty one is a level too.
                            guard depth < JSONValidator.maximumDepth else { return false }
                            index += 1
                            state = .afterValue
                        } else {
                            guard push(object: false) else { return false }
                            state = .value
                        }
                    case UInt8(ascii: "\""):
                        guard scanString() else { return false }
                        state = .afterValue
                    case UInt8(ascii: "t"):
                        guard scanLiteral(0x74_72_75_65, length: 4) else { return false }
                        state = .afterValue
                    case UInt8(ascii: "f"):
                        guard scanLiteral(0x66_61_6C_73_65, length: 5) else { return false }
                        state = .afterValue
                    case UInt8(ascii: "n"):
                        guard scanLiteral(0x6E_75_6C_6C, length: 4) else { return false }
                        state = .afterValue
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        guard scanNumber() else { return false }
                        state = .afterValue
                    default:
                        return false
                    }
                case .key:
                    skipWhitespace()
                    guard index < count, base[index] == UInt8(ascii: "\""), scanString() else { return false }
                    skipWhitespace()
                    guard index < count, base[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    state = .value
                case .afterValue:
                    skipWhitespace()
                    if depth == 0 { return index == count }
                    guard index < count else { return false }
                    let byte = base[index]
                    index += 1
                    if byte == UInt8(ascii: ",") {
                        state = topIsObject() ? .key : .value
                    } else if byte == UInt8(ascii: "}") && topIsObject() {
                        depth -= 1
                    } else if byte == UInt8(ascii: "]") && !topIsObject() {
                        depth -= 1
                    } else {
                        return false
                    }
                }
            }
        }

        /// Matches a literal whose bytes are packed big-endian in `packed`.
        @inline(__always)
        private mutating func scanLiteral(_ packed: UInt64, length: Int) -> Bool {
            guard index + length <= count else { return false }
            var value: UInt64 = 0
            for offset in 0..<length {
                value = value << 8 | UInt64(base[index + offset])
            }
            guard value == packed else { return false }
            index += length
            return true
        }

        @inline(__always)
        private func isDigit(_ position: Int) -> Bool {
            position < count && base[position] &- UInt8(ascii: "0") < 10
        }

        private mutating func scanNumber() -> Bool {
            let start = index
            if base[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return false }
            let integerStart = index
            if base[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while isDigit(index) { index += 1 }
            }
            // Only an exponent or more than 308 integer digits can take a number past Double's range.
            var mayOverflow = index - integerStart > 308
            if index < count && base[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            if index < count && (base[index] | 0x20) == UInt8(ascii: "e") {
                index += 1
                if index < count && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) {
                    index += 1
                }
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
                mayOverflow = true
            }
            return !mayOverflow || Self.isFiniteDouble(UnsafeBufferPointer(start: base + start, count: index - start))
        }

        /// Whether a number's text, read as a Double, is finite: I-JSON (RFC 7493) asks for numbers within IEEE 754
        /// double range, and Foundation's `JSONSerialization` (Twilio's iOS SDK) refuses the whole message when one
        /// is not ("Number 12e345 is not representable"; found by the packer fuzzer). Underflow (`1e-400`, read as 0)
        /// is accepted, as Foundation does. Allocates a string, but only for numbers with an exponent or 309+ digits.
        private static func isFiniteDouble(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            Double(String(decoding: text, as: UTF8.self))?.isFinite ?? false
        }

        /// Scans a string starting at its opening quote, leaving `index` after the closing quote.
        private mutating func scanString() -> Bool {
            index += 1
            while index < count {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return true
                } else if byte == UInt8(ascii: "\\") {
                    guard index + 1 < count else { return false }
                    switch base[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard let unit = codeUnit(at: index) else { return false }
                        index += 6
                        if unit & 0xFC00 == 0xDC00 { return false }  // a low surrogate alone
                        if unit & 0xFC00 == 0xD800 {  // a high surrogate needs a low one next
                            guard index + 1 < count, base[index] == UInt8(ascii: "\\"),
                                base[index + 1] == UInt8(ascii: "u"),
                                let low = codeUnit(at: index), low & 0xFC00 == 0xDC00
                            else { return false }
                            index += 6
                        }
                    default:
                        return false
                    }
                } else if byte < 0x20 {
                    return false
                } else if byte < 0x80 {
                    index += 1
                } else {
                    let length = UTF8Validator.sequenceLength(base, index, count)
                    guard length > 0 else { return false }
                    index += length
                }
            }
            return false
        }

        /// The UTF-16 code unit of the `\uXXXX` escape starting at `start`, or nil when it is cut short or not hex.
        @inline(__always)
        private func codeUnit(at start: Int) -> UInt16? {
            guard start + 6 <= count else { return nil }
            var unit: UInt16 = 0
            for offset in 2..<6 {
                let byte = base[start + offset]
                let digit: UInt8
                if byte &- UInt8(ascii: "0") < 10 {
                    digit = byte &- UInt8(ascii: "0")
                } else if (byte | 0x20) &- UInt8(ascii: "a") < 6 {
                    digit = (byte | 0x20) &- UInt8(ascii: "a") &+ 10
                } else {
                    return nil
                }
                unit = unit << 4 | UInt16(digit)
            }
            return unit
        }
    }
}
