import Foundation

/// What the live view shows of Documents and Maps (`GET /_emulator/objects`): the most recently written Documents,
/// and the most recently written Maps with their item counts and latest items. Bounded, so a page polling it stays
/// cheap however many objects there are.
struct ObjectSummary {
    /// The most Documents and Maps listed.
    static let maxObjects = 50
    /// The latest items listed per Map.
    static let latestItems = 5

    let emulator: SyncEmulator

    func json() -> [String: Any] {
        let documents = emulator.documents()
        let maps = emulator.maps()
        let recentDocuments = documents.sorted { $0.dateUpdated > $1.dateUpdated }.prefix(Self.maxObjects)
        let recentMaps = maps.map { map in (map: map, items: emulator.mapItems(map.sid)) }
            .sorted { latest($0) > latest($1) }
            .prefix(Self.maxObjects)
        return [
            "document_count": documents.count,
            "documents": recentDocuments.map(ControlAPI.documentJSON),
            "map_count": maps.count,
            "maps": recentMaps.map { entry -> [String: Any] in
                var object = ControlAPI.mapJSON(entry.map, items: entry.items)
                object["latest_items"] = entry.items.sorted { $0.dateUpdated > $1.dateUpdated }
                    .prefix(Self.latestItems).map(ControlAPI.itemJSON)
                return object
            },
        ]
    }

    /// When a Map or any of its items was last written.
    private func latest(_ entry: (map: EmulatedMap, items: [EmulatedMapItem])) -> Date {
        entry.items.map(\.dateUpdated).max().map { max($0, entry.map.dateUpdated) } ?? entry.map.dateUpdated
    }
}
