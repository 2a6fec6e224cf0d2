import Foundation

/// Read-back of Documents, Maps, Map Items and their write logs, for tests (also served by the control API).
/// Each call first removes what has expired by the emulator's clock.
extension SyncEmulator {
    /// The live Documents, in creation order.
    public func documents() -> [EmulatedDocument] {
        readObjects { $0.documents.values.sorted { $0.ordinal < $1.ordinal } }
    }

    /// The live Document addressed by SID or unique name.
    public func document(_ identifier: String) -> EmulatedDocument? {
        readObjects { $0.document(identifier) }
    }

    /// The live Maps, in creation order.
    public func maps() -> [EmulatedMap] {
        readObjects { $0.maps.values.sorted { $0.ordinal < $1.ordinal } }
    }

    /// The live Map addressed by SID or unique name.
    public func map(_ identifier: String) -> EmulatedMap? {
        readObjects { $0.map(identifier) }
    }

    /// The live items of the Map addressed by SID or unique name, in ascending key order (none without the Map).
    public func mapItems(_ identifier: String) -> [EmulatedMapItem] {
        readObjects { objects in
            guard let map = objects.map(identifier) else { return [] }
            return objects.sortedItems(inMap: map.sid)
        }
    }

    /// The accepted writes of a Document (SID or unique name, even if since deleted or expired).
    public func writeLog(document identifier: String) -> ObjectWriteLog? {
        readObjects { $0.writeLogs[$0.readBackSID(.document, identifier)] }
    }

    /// The accepted writes of a Map and its items (SID or unique name, even if since deleted or expired).
    public func writeLog(map identifier: String) -> ObjectWriteLog? {
        readObjects { $0.writeLogs[$0.readBackSID(.map, identifier)] }
    }

    /// Every write log kept (live objects and the most recent gone ones), by object SID.
    public func writeLogs() -> [String: ObjectWriteLog] {
        readObjects(\.writeLogs)
    }

    /// Accepted writes by object SID (a Map's include its items'), counted in all: a log keeps only its newest writes,
    /// its count is never trimmed.
    public func objectWriteCounts() -> [String: Int] {
        readObjects { $0.writeLogs.mapValues(\.count) }
    }

    private func readObjects<Result: Sendable>(_ read: (ObjectStore) -> Result) -> Result {
        let now = clock.now()
        return state.withLock { state in
            state.expire(at: now)
            return read(state.objects)
        }
    }
}
