import Foundation

/// Everything the emulator remembers. A plain value mutated under `SyncEmulator`'s lock.
struct EmulatorState: Sendable {
    var streams: [String: EmulatedStream] = [:]
    var sidByUniqueName: [String: String] = [:]
    var nextOrdinal = 0
    /// Accepted messages by stream SID (kept after the stream is deleted or expires, for read-back).
    var messages: [String: [AcceptedMessage]] = [:]
    /// Accepted totals by stream SID (messages may have been trimmed).
    var acceptedCounts: [String: Int] = [:]
    /// The most recent stream SID for each unique name ever used, for read-back after deletion.
    var lastSIDByUniqueName: [String: String] = [:]
    var rejections: [Int: Int] = [:]
    var requestCount = 0
    var acceptedTotal = 0
    var faults: [ActiveFault] = []
    var nextFaultID = 1
    /// When the most recent creations were accepted (at most `createsPerSecond`), for the create rate limit.
    var recentCreates: [Date] = []
    /// Streams created, in all.
    var createdTotal = 0
    /// Documents and Maps.
    var objects = ObjectStore()

    /// Removes streams, Documents, Maps and items whose TTL has passed.
    mutating func expire(at now: Date) {
        for (sid, stream) in streams where stream.isExpired(at: now) {
            streams[sid] = nil
            if let name = stream.uniqueName { sidByUniqueName[name] = nil }
        }
        objects.expire(at: now)
    }

    /// The live stream addressed by SID or unique name.
    func stream(_ identifier: String) -> EmulatedStream? {
        if let stream = streams[identifier] { return stream }
        return sidByUniqueName[identifier].flatMap { streams[$0] }
    }

    /// The SID to read messages back for: a live stream, else the last stream that had this name or SID.
    func readBackSID(_ identifier: String) -> String? {
        if let stream = stream(identifier) { return stream.sid }
        if messages[identifier] != nil { return identifier }
        return lastSIDByUniqueName[identifier]
    }
}

/// Read-back totals from the control API.
public struct EmulatorStats: Sendable, Hashable {
    /// Sync API requests seen (control requests excluded).
    public var requests: Int
    /// Messages accepted.
    public var accepted: Int
    /// Rejections by Twilio error code (injected faults included).
    public var rejections: [Int: Int]
    /// Live streams.
    public var streams: Int
    /// Streams created, in all.
    public var created: Int = 0
    /// Live Documents.
    public var documents: Int = 0
    /// Live Maps.
    public var maps: Int = 0
    /// Document, Map and Map Item writes accepted (creations and deletions included).
    public var objectWrites: Int = 0
}
