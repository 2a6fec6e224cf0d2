/// How a record value is carried in a message entry, decided byte-for-byte from the value itself.
public enum ValueKind: Sendable, Hashable {
    /// No value (a Kafka tombstone): the entry has no `j`, `s` or `b` member, so the subscriber reads `null`.
    case tombstone
    /// A valid JSON text: embedded unchanged as `j`.
    case json
    /// Well-formed UTF-8 that is not JSON: carried as the string `s`.
    case text
    /// Anything else: carried as the base64 string `b`.
    case binary

    /// Classifies `value`: JSON first, then UTF-8 text, else binary.
    public static func classify(_ value: [UInt8]?) -> ValueKind {
        guard let value else { return .tombstone }
        return value.withUnsafeBufferPointer { bytes in
            if JSONValidator.isValid(bytes) { return .json }
            if UTF8Validator.isValid(bytes) { return .text }
            return .binary
        }
    }
}
