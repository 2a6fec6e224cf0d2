import Foundation

/// The Documents and Maps the emulator holds, with their write budgets and write logs. Part of `EmulatorState`,
/// mutated under `SyncEmulator`'s lock.
struct ObjectStore: Sendable {
    var documents: [String: EmulatedDocument] = [:]
    var documentSIDByName: [String: String] = [:]
    var maps: [String: EmulatedMap] = [:]
    var mapSIDByName: [String: String] = [:]
    /// Items by Map SID, then by the key's UTF-8 bytes: keys that differ in bytes are different keys, even where
    /// Swift's `String` equality (canonical equivalence) would call them equal.
    var items: [String: [[UInt8]: EmulatedMapItem]] = [:]
    /// Write budgets by object SID (a Map's covers its items).
    var limiters: [String: ObjectWriteLimiter] = [:]
    var nextOrdinal = 0
    /// No object or item expires before this instant (nil: none has a TTL), so most requests skip the expiry scan.
    var nextExpiry: Date?
    /// Write logs by object SID, kept after the object is gone (bounded by `retainedObjectLogs`).
    var writeLogs: [String: ObjectWriteLog] = [:]
    /// The most recent SID of each unique name ever used, by kind, for read-back after deletion.
    var lastSIDByName: [SyncObjectKind: [String: String]] = [:]
    /// Object writes accepted, in all.
    var writesTotal = 0

    /// The live Document addressed by SID or unique name.
    func document(_ identifier: String) -> EmulatedDocument? {
        documents[identifier] ?? documentSIDByName[identifier].flatMap { documents[$0] }
    }

    /// The live Map addressed by SID or unique name.
    func map(_ identifier: String) -> EmulatedMap? {
        maps[identifier] ?? mapSIDByName[identifier].flatMap { maps[$0] }
    }

    /// The live item `key` of the Map `mapSID`.
    func item(_ key: String, inMap mapSID: String) -> EmulatedMapItem? {
        items[mapSID]?[Array(key.utf8)]
    }

    /// The Map's live items in ascending key order (by UTF-8 bytes, which is Unicode code point order).
    func sortedItems(inMap mapSID: String) -> [EmulatedMapItem] {
        guard let byKey = items[mapSID] else { return [] }
        return byKey.values.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// The next creation ordinal.
    mutating func takeOrdinal() -> Int {
        defer { nextOrdinal += 1 }
        return nextOrdinal
    }

    /// Remembers that something expires at `date`, so the expiry scan runs then.
    mutating func noteExpiry(_ date: Date?) {
        guard let date else { return }
        nextExpiry = min(nextExpiry ?? date, date)
    }

    mutating func put(_ document: EmulatedDocument) {
        documents[document.sid] = document
        noteExpiry(document.dateExpires)
        guard let name = document.uniqueName else { return }
        documentSIDByName[name] = document.sid
        lastSIDByName[.document, default: [:]][name] = document.sid
    }

    mutating func removeDocument(_ sid: String) {
        guard let document = documents.removeValue(forKey: sid) else { return }
        if let name = document.uniqueName { documentSIDByName[name] = nil }
        limiters[sid] = nil
    }

    mutating func put(_ map: EmulatedMap) {
        maps[map.sid] = map
        noteExpiry(map.dateExpires)
        guard let name = map.uniqueName else { return }
        mapSIDByName[name] = map.sid
        lastSIDByName[.map, default: [:]][name] = map.sid
    }

    /// Removes a Map and its items.
    mutating func removeMap(_ sid: String) {
        guard let map = maps.removeValue(forKey: sid) else { return }
        if let name = map.uniqueName { mapSIDByName[name] = nil }
        items[sid] = nil
        limiters[sid] = nil
    }

    mutating func put(_ item: EmulatedMapItem, inMap mapSID: String) {
        items[mapSID, default: [:]][Array(item.key.utf8)] = item
        noteExpiry(item.dateExpires)
    }

    mutating func removeItem(_ key: String, inMap mapSID: String) {
        items[mapSID]?[Array(key.utf8)] = nil
    }
}
