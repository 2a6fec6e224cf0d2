import Foundation
import RelayCore

/// Map Items: create, list, fetch, update and delete (both optionally conditional on `If-Match`), by Twilio's rules.
/// Every item write counts against its whole Map's budget. `Ttl` is an alias of `ItemTtl` (`ItemTtl` wins when both
/// are given); `CollectionTtl` sets the parent Map's TTL.
extension SyncEmulator {
    func createItem(in mapID: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        throws(Rejection) -> EmulatorResponse
    {
        var map = try existingMap(mapID, state: state)
        let key = try itemKey(request.form["Key"])
        guard let data = try objectData(request) else {
            throw Rejection(
                response: .twilioError(400, code: TwilioErrorCode.invalidMapItemData, "Data parameter is required"))
        }
        let itemTTL = try objectTTL("ItemTtl", alias: "Ttl", request)
        let collectionTTL = try objectTTL("CollectionTtl", request)
        guard state.objects.item(key, inMap: map.sid) == nil else {
            throw Rejection(
                response: .twilioError(409, code: TwilioErrorCode.mapItemExists, "Map Item \(key) already exists"))
        }
        let cost = ObjectWriteCost.of(dataBytes: data.utf8.count)
        try checkWriteBudget(cost: cost, of: map.sid, state: state, now: now)
        let item = EmulatedMapItem(
            key: key, data: data, revision: ObjectRevision.first, dateCreated: now, dateUpdated: now,
            dateExpires: now.expiry(afterTTL: itemTTL ?? 0))
        state.objects.put(item, inMap: map.sid)
        if let collectionTTL { setCollectionTTL(collectionTTL, of: &map, state: &state, now: now) }
        recordWrite(
            .create, cost: cost, kind: .map, sid: map.sid, uniqueName: map.uniqueName, itemKey: key, state: &state,
            now: now)
        return .object(201, render(item, in: map, baseURL: request.baseURL), revision: item.revision)
    }

    func listItems(in mapID: String, _ request: EmulatorRequest, state: EmulatorState) throws(Rejection)
        -> EmulatorResponse
    {
        let map = try existingMap(mapID, state: state)
        let page = try MapItemPage(query: request.query)
        let selection = page.select(state.objects.sortedItems(inMap: map.sid))
        let listURL = "\(serviceURL(request.baseURL))/Maps/\(map.sid)/Items"
        return .json(
            200,
            [
                "items": selection.items.map { render($0, in: map, baseURL: request.baseURL) },
                "meta": page.meta(listURL: listURL, selection),
            ])
    }

    func fetchItem(_ key: String, in mapID: String, _ request: EmulatorRequest, state: EmulatorState)
        throws(Rejection) -> EmulatorResponse
    {
        let map = try existingMap(mapID, state: state)
        let item = try existingItem(key, in: map, state: state)
        return .object(200, render(item, in: map, baseURL: request.baseURL), revision: item.revision)
    }

    func updateItem(_ key: String, in mapID: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        throws(Rejection) -> EmulatorResponse
    {
        var map = try existingMap(mapID, state: state)
        var item = try existingItem(key, in: map, state: state)
        let data = try objectData(request)
        let itemTTL = try objectTTL("ItemTtl", alias: "Ttl", request)
        let collectionTTL = try objectTTL("CollectionTtl", request)
        // The spec: CollectionTtl "can only be used when the Map Item's data or ttl is updated in the same request".
        try requireChange(data != nil || itemTTL != nil, settable: "Data, Ttl and ItemTtl")
        try checkIfMatch(request, revision: item.revision, code: TwilioErrorCode.mapItemRevisionMismatch)
        let cost = ObjectWriteCost.of(dataBytes: data?.utf8.count)
        try checkWriteBudget(cost: cost, of: map.sid, state: state, now: now)
        if let data { item.data = data }
        if let itemTTL { item.dateExpires = now.expiry(afterTTL: itemTTL) }
        item.revision = ObjectRevision.after(item.revision)
        item.dateUpdated = now
        state.objects.put(item, inMap: map.sid)
        if let collectionTTL { setCollectionTTL(collectionTTL, of: &map, state: &state, now: now) }
        recordWrite(
            .update, cost: cost, kind: .map, sid: map.sid, uniqueName: map.uniqueName, itemKey: item.key,
            state: &state, now: now)
        return .object(200, render(item, in: map, baseURL: request.baseURL), revision: item.revision)
    }

    func deleteItem(_ key: String, in mapID: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        throws(Rejection) -> EmulatorResponse
    {
        let map = try existingMap(mapID, state: state)
        let item = try existingItem(key, in: map, state: state)
        try checkIfMatch(request, revision: item.revision, code: TwilioErrorCode.mapItemRevisionMismatch)
        try checkWriteBudget(cost: 1, of: map.sid, state: state, now: now)
        state.objects.removeItem(item.key, inMap: map.sid)
        recordWrite(
            .delete, cost: 1, kind: .map, sid: map.sid, uniqueName: map.uniqueName, itemKey: item.key, state: &state,
            now: now)
        return EmulatorResponse(status: 204)
    }

    /// An item write's `CollectionTtl`: the parent Map's TTL from now, a change of the Map (its revision moves).
    private func setCollectionTTL(_ ttl: Int, of map: inout EmulatedMap, state: inout EmulatorState, now: Date) {
        map.dateExpires = now.expiry(afterTTL: ttl)
        map.revision = ObjectRevision.after(map.revision)
        map.dateUpdated = now
        state.objects.put(map)
    }

    /// A key from the form: present, 1 to 320 characters (400, 54209 otherwise).
    private func itemKey(_ key: String?) throws(Rejection) -> String {
        guard let key, (1...Self.maxNameLength).contains(key.count) else {
            throw Rejection(
                response: .twilioError(
                    400, code: TwilioErrorCode.invalidMapItemKey, "Key is required: 1 to 320 characters"))
        }
        return key
    }

    /// The live item `key` of `map` (404, 54201 otherwise).
    private func existingItem(_ key: String, in map: EmulatedMap, state: EmulatorState) throws(Rejection)
        -> EmulatedMapItem
    {
        guard let item = state.objects.item(key, inMap: map.sid) else {
            throw Rejection(
                response: .twilioError(404, code: TwilioErrorCode.mapItemNotFound, "Map Item \(key) was not found"))
        }
        return item
    }
}
