import Foundation

/// Routes Document, Map and Map Item requests to their rules. Each rule validates everything before it changes
/// anything, so a refused request (a 4xx) leaves the state as it was.
extension SyncEmulator {
    func objectResponse(_ route: SyncRoute, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        -> EmulatorResponse
    {
        do throws(Rejection) {
            switch (route, request.method) {
            case (.documents, "POST"): return try createDocument(request, state: &state, now: now)
            case (.documents, "GET"): return try listDocuments(request, state: state)
            case (.document(_, let id), "GET"): return try fetchDocument(id, request, state: state)
            case (.document(_, let id), "POST"): return try updateDocument(id, request, state: &state, now: now)
            case (.document(_, let id), "DELETE"): return try deleteDocument(id, state: &state, now: now)
            case (.maps, "POST"): return try createMap(request, state: &state, now: now)
            case (.maps, "GET"): return try listMaps(request, state: state)
            case (.map(_, let id), "GET"): return try fetchMap(id, request, state: state)
            case (.map(_, let id), "POST"): return try updateMap(id, request, state: &state, now: now)
            case (.map(_, let id), "DELETE"): return try deleteMap(id, state: &state, now: now)
            case (.mapItems(_, let map), "POST"): return try createItem(in: map, request, state: &state, now: now)
            case (.mapItems(_, let map), "GET"): return try listItems(in: map, request, state: state)
            case (.mapItem(_, let map, let key), "GET"): return try fetchItem(key, in: map, request, state: state)
            case (.mapItem(_, let map, let key), "POST"):
                return try updateItem(key, in: map, request, state: &state, now: now)
            case (.mapItem(_, let map, let key), "DELETE"):
                return try deleteItem(key, in: map, request, state: &state, now: now)
            default: return .methodNotAllowed
            }
        } catch {
            return error.response
        }
    }
}
