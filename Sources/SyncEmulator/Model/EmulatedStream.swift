import Foundation

/// A stream held by the emulator.
struct EmulatedStream: Sendable {
    let sid: String
    let uniqueName: String?
    let dateCreated: Date
    var dateUpdated: Date
    var dateExpires: Date?
    var limiter: StreamRateLimiter
    /// Creation order, for stable paging.
    let ordinal: Int

    func isExpired(at now: Date) -> Bool { dateExpires.map { $0 <= now } ?? false }
}

/// A message the emulator accepted, as read back through the control API.
public struct AcceptedMessage: Sendable, Hashable {
    /// `TZ` + 32 hex digits.
    public let sid: String
    /// The stream's SID.
    public let streamSID: String
    /// The stream's unique name, if it had one.
    public let streamUniqueName: String?
    /// The `Data` exactly as received (JSON object text).
    public let data: String
    /// When the emulator accepted it (by its clock).
    public let arrivedAt: Date
    /// 1-based order of acceptance on this stream.
    public let sequence: Int
}

/// Makes Twilio-shaped SIDs: a two-letter prefix and 32 lower-case hex digits.
enum SIDGenerator {
    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16)
        let low = String(generator.next() as UInt64, radix: 16)
        return prefix + String(repeating: "0", count: 16 - high.count) + high
            + String(repeating: "0", count: 16 - low.count) + low
    }

    /// Whether `text` is shaped like any Twilio SID (two capital letters and 32 hex digits).
    static func looksLikeSID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 34 else { return false }
        guard bytes[0...1].allSatisfy({ (65...90).contains($0) }) else { return false }
        return bytes[2...].allSatisfy { byte in
            (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
        }
    }
}
