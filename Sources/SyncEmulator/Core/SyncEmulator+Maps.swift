import Foundation
import RelayCore

/// Sync Maps: create, list, fetch, update (the TTL) and delete (with the items), by Twilio's rules. `Ttl` is an
/// alias of `CollectionTtl`; when both are given, `CollectionTtl` wins.
extension SyncEmulator {
    func createMap(_ request: EmulatorRequest, state: inout EmulatorState, now: Date) throws(Rejection)
        -> EmulatorResponse
    {
        let name = try objectUniqueName(request) { state.objects.mapSIDByName[$0] != nil }
        let ttl = try objectTTL("CollectionTtl", alias: "Ttl", request)
        let sid = SIDGenerator.make(prefix: "MP")
        try checkWriteBudget(cost: 1, of: sid, state: state, now: now)
        try admitCreation(state: &state, now: now)
        let map = EmulatedMap(
            sid: sid, uniqueName: name, revision: ObjectRevision.first, dateCreated: now, dateUpdated: now,
            dateExpires: now.expiry(afterTTL: ttl ?? 0), ordinal: state.objects.takeOrdinal())
        state.objects.put(map)
        recordWrite(.create, cost: 1, kind: .map, sid: sid, uniqueName: name, state: &state, now: now)
        return .object(201, render(map, baseURL: request.baseURL), revision: map.revision)
    }

    func listMaps(_ request: EmulatorRequest, state: EmulatorState) throws(Rejection) -> EmulatorResponse {
        let page = try OffsetPage(query: request.query)
        let all = state.objects.maps.values.sorted { $0.ordinal < $1.ordinal }
        return .json(
            200,
            [
                "maps": page.slice(all).map { render($0, baseURL: request.baseURL) },
                "meta": page.meta(listURL: "\(serviceURL(request.baseURL))/Maps", key: "maps", total: all.count),
            ])
    }

    func fetchMap(_ id: String, _ request: EmulatorRequest, state: EmulatorState) throws(Rejection)
        -> EmulatorResponse
    {
        let map = try existingMap(id, state: state)
        return .object(200, render(map, baseURL: request.baseURL), revision: map.revision)
    }

    func updateMap(_ id: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        throws(Rejection) -> EmulatorResponse
    {
        var map = try existingMap(id, state: state)
        let ttl = try objectTTL("CollectionTtl", alias: "Ttl", request)
        try requireChange(ttl != nil, settable: "Ttl and CollectionTtl")
        try checkWriteBudget(cost: 1, of: map.sid, state: state, now: now)
        map.dateExpires = now.expiry(afterTTL: ttl ?? 0)
        map.revision = ObjectRevision.after(map.revision)
        map.dateUpdated = now
        state.objects.put(map)
        recordWrite(.update, cost: 1, kind: .map, sid: map.sid, uniqueName: map.uniqueName, state: &state, now: now)
        return .object(200, render(map, baseURL: request.baseURL), revision: map.revision)
    }

    func deleteMap(_ id: String, state: inout EmulatorState, now: Date) throws(Rejection) -> EmulatorResponse {
        let map = try existingMap(id, state: state)
        try checkWriteBudget(cost: 1, of: map.sid, state: state, now: now)
        recordWrite(.delete, cost: 1, kind: .map, sid: map.sid, uniqueName: map.uniqueName, state: &state, now: now)
        state.objects.removeMap(map.sid)
        return EmulatorResponse(status: 204)
    }

    /// The live Map addressed by SID or unique name (404, 54200 otherwise).
    func existingMap(_ id: String, state: EmulatorState) throws(Rejection) -> EmulatedMap {
        guard let map = state.objects.map(id) else {
            throw Rejection(response: .twilioError(404, code: TwilioErrorCode.mapNotFound, "Map \(id) was not found"))
        }
        return map
    }
}
