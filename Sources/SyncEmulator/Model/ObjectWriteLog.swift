import Foundation

/// An accepted write of a Document, a Map or one of its items, as read back through the control API.
public struct AcceptedObjectWrite: Sendable, Hashable {
    /// What the write did.
    public enum Operation: String, Sendable, Hashable {
        /// The object or item was created.
        case create
        /// Its data or TTL was written.
        case update
        /// It was deleted.
        case delete
    }

    /// When the emulator accepted it (by its clock).
    public let at: Date
    /// Its cost against the object's budget: `max(1, bytes of Data / 1024)`, 1 without `Data`.
    public let cost: Double
    /// What it did.
    public let operation: Operation
    /// The Map Item's key, for an item write (it counts against its Map); nil for the object itself.
    public let itemKey: String?
}

/// The kinds of Sync object with a write budget.
public enum SyncObjectKind: String, Sendable, Hashable {
    /// A Sync Document (`ET`).
    case document
    /// A Sync Map (`MP`); its items' writes count against it.
    case map
}

/// The accepted writes of one Document or Map (its items' writes included), kept after the object is deleted or
/// expires.
public struct ObjectWriteLog: Sendable, Hashable {
    /// Document or Map.
    public let kind: SyncObjectKind
    /// The object's SID.
    public let sid: String
    /// Its unique name, if it had one.
    public let uniqueName: String?
    /// Accepted writes in all (the log below may have been trimmed).
    public internal(set) var count: Int
    /// The newest accepted writes (at most `SyncEmulatorConfiguration.retainedWritesPerObject`), oldest first.
    public internal(set) var writes: [AcceptedObjectWrite]

    /// The largest sum of costs the retained writes put into any sliding window of `seconds` (a window holds the
    /// writes less than `seconds` apart), to check that a writer never exceeded a budget.
    public func largestCost(inAnyWindowOf seconds: Double) -> Double {
        var largest = 0.0
        var sum = 0.0
        var start = 0
        for write in writes {
            sum += write.cost
            while write.at.timeIntervalSince(writes[start].at) >= seconds {
                sum -= writes[start].cost
                start += 1
            }
            largest = max(largest, sum)
        }
        return largest
    }
}
