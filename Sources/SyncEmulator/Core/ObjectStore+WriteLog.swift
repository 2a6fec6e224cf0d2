import Foundation

extension ObjectStore {
    /// Records an accepted write: spends it from the object's budget and appends it to the object's log (the newest
    /// `retained` writes are kept; past `maxLogs` logs, those of objects that no longer exist go first).
    mutating func record(
        _ write: AcceptedObjectWrite, kind: SyncObjectKind, sid: String, uniqueName: String?,
        rule: EmulatorObjectLimit, retained: Int, maxLogs: Int
    ) {
        limiters[sid, default: ObjectWriteLimiter(rule: rule)].record(cost: write.cost, at: write.at)
        var log =
            writeLogs[sid] ?? ObjectWriteLog(kind: kind, sid: sid, uniqueName: uniqueName, count: 0, writes: [])
        log.count += 1
        log.writes.append(write)
        if log.writes.count > retained { log.writes.removeFirst(log.writes.count - retained) }
        writeLogs[sid] = log
        writesTotal += 1
        // Every live object has a log: only past them is there a gone object's log to drop.
        if writeLogs.count > maxLogs, writeLogs.count > documents.count + maps.count {
            pruneWriteLogs(below: maxLogs)
        }
    }

    /// The SID to read a write log back for: a live object, else the last object of this kind that had this name,
    /// else the identifier itself (a SID).
    func readBackSID(_ kind: SyncObjectKind, _ identifier: String) -> String {
        let live =
            switch kind {
            case .document: document(identifier)?.sid
            case .map: map(identifier)?.sid
            }
        return live ?? lastSIDByName[kind]?[identifier] ?? identifier
    }

    private mutating func pruneWriteLogs(below maxLogs: Int) {
        for sid in Array(writeLogs.keys) where documents[sid] == nil && maps[sid] == nil {
            writeLogs[sid] = nil
            if writeLogs.count <= maxLogs / 2 { break }
        }
        for kind in [SyncObjectKind.document, .map] {
            lastSIDByName[kind] = lastSIDByName[kind]?.filter { writeLogs[$0.value] != nil }
        }
    }
}
