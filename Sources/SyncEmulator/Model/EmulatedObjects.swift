import Foundation

/// A Sync Document held by the emulator, as read back through the control API.
public struct EmulatedDocument: Sendable, Hashable {
    /// `ET` + 32 hex digits.
    public let sid: String
    /// The unique name, if it was given one.
    public let uniqueName: String?
    /// The `Data` exactly as last written (JSON object text; `{}` when created without data).
    public internal(set) var data: String
    /// The revision: a string that changes on every write (see `ObjectRevision`).
    public internal(set) var revision: String
    /// When it was created (by the emulator's clock).
    public let dateCreated: Date
    /// When it was last written.
    public internal(set) var dateUpdated: Date
    /// When it expires; nil: never.
    public internal(set) var dateExpires: Date?
    /// Creation order, for stable paging.
    let ordinal: Int
}

/// A Sync Map held by the emulator (its items are kept apart, by key).
public struct EmulatedMap: Sendable, Hashable {
    /// `MP` + 32 hex digits.
    public let sid: String
    /// The unique name, if it was given one.
    public let uniqueName: String?
    /// The revision: changes when the Map itself is written (its TTL), not when an item is.
    public internal(set) var revision: String
    /// When it was created.
    public let dateCreated: Date
    /// When the Map itself was last written.
    public internal(set) var dateUpdated: Date
    /// When it expires, with its items; nil: never.
    public internal(set) var dateExpires: Date?
    /// Creation order, for stable paging.
    let ordinal: Int
}

/// An item of a Sync Map.
public struct EmulatedMapItem: Sendable, Hashable {
    /// The key (1 to 320 characters).
    public let key: String
    /// The `Data` exactly as last written (JSON object text).
    public internal(set) var data: String
    /// The revision: a string that changes on every write.
    public internal(set) var revision: String
    /// When it was created.
    public let dateCreated: Date
    /// When it was last written.
    public internal(set) var dateUpdated: Date
    /// When it expires on its own; nil: only with its Map.
    public internal(set) var dateExpires: Date?
}

/// Revisions: lower-case hexadecimal of a per-object counter, `0` at creation, one more on every write, so a stale
/// `If-Match` never matches again.
enum ObjectRevision {
    static let first = "0"

    static func after(_ revision: String) -> String {
        String((Int(revision, radix: 16) ?? 0) + 1, radix: 16)
    }
}

extension Date {
    /// The expiry for a TTL in seconds counted from this instant: nil for 0 (never).
    func expiry(afterTTL ttl: Int) -> Date? {
        ttl == 0 ? nil : addingTimeInterval(Double(ttl))
    }
}
