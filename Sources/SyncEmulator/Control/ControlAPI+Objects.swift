import Foundation
import Hummingbird

/// The control API's read-back of Documents, Maps, Map Items and write logs (see docs/emulator.md).
extension ControlAPI {
    /// Answers `GET /_emulator/documents...`, `/maps...` and `/objects...`; nil for any other endpoint.
    func objectsResponse(method: String, parts: [String]) -> Response? {
        guard method == "GET", let first = parts.first else { return nil }
        switch (first, parts.count) {
        case ("documents", 1):
            return json(200, ["documents": emulator.documents().map(Self.documentJSON)])
        case ("documents", 2):
            guard let document = emulator.document(parts[1]) else { return missing("document", parts[1]) }
            return json(200, Self.documentJSON(document))
        case ("documents", 3) where parts[2] == "writes":
            guard let log = emulator.writeLog(document: parts[1]) else { return missing("document", parts[1]) }
            return json(200, Self.logJSON(log))
        case ("maps", 1):
            return json(200, ["maps": emulator.maps().map { Self.mapJSON($0, items: emulator.mapItems($0.sid)) }])
        case ("maps", 2):
            guard let map = emulator.map(parts[1]) else { return missing("map", parts[1]) }
            let items = emulator.mapItems(map.sid)
            var object = Self.mapJSON(map, items: items)
            object["items"] = items.map(Self.itemJSON)
            return json(200, object)
        case ("maps", 3) where parts[2] == "items":
            guard let map = emulator.map(parts[1]) else { return missing("map", parts[1]) }
            return json(200, ["items": emulator.mapItems(map.sid).map(Self.itemJSON)])
        case ("maps", 3) where parts[2] == "writes":
            guard let log = emulator.writeLog(map: parts[1]) else { return missing("map", parts[1]) }
            return json(200, Self.logJSON(log))
        case ("objects", 1):
            return json(200, ObjectSummary(emulator: emulator).json())
        case ("objects", 2) where parts[1] == "writes":
            return json(200, ["writes": emulator.objectWriteCounts()])
        default:
            return nil
        }
    }

    private func missing(_ kind: String, _ identifier: String) -> Response {
        json(404, ["error": "no \(kind) \(identifier)"])
    }

    private static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func date(_ date: Date?) -> Any {
        date.map { $0.formatted(format) } ?? NSNull()
    }

    static func documentJSON(_ document: EmulatedDocument) -> [String: Any] {
        [
            "sid": document.sid, "unique_name": document.uniqueName ?? NSNull(), "revision": document.revision,
            "data": JSONBody.object(document.data), "date_created": date(document.dateCreated),
            "date_updated": date(document.dateUpdated), "date_expires": date(document.dateExpires),
        ]
    }

    static func mapJSON(_ map: EmulatedMap, items: [EmulatedMapItem]) -> [String: Any] {
        [
            "sid": map.sid, "unique_name": map.uniqueName ?? NSNull(), "revision": map.revision,
            "item_count": items.count, "date_created": date(map.dateCreated), "date_updated": date(map.dateUpdated),
            "date_expires": date(map.dateExpires),
        ]
    }

    static func itemJSON(_ item: EmulatedMapItem) -> [String: Any] {
        [
            "key": item.key, "revision": item.revision, "data": JSONBody.object(item.data),
            "date_created": date(item.dateCreated), "date_updated": date(item.dateUpdated),
            "date_expires": date(item.dateExpires),
        ]
    }

    static func logJSON(_ log: ObjectWriteLog) -> [String: Any] {
        [
            "type": log.kind.rawValue, "sid": log.sid, "unique_name": log.uniqueName ?? NSNull(),
            "write_count": log.count,
            "writes": log.writes.map { write -> [String: Any] in
                [
                    "at": write.at.formatted(format), "cost": write.cost, "operation": write.operation.rawValue,
                    "key": write.itemKey ?? NSNull(),
                ]
            },
        ]
    }
}
