import Foundation
import RelayCore

/// The rules Documents, Maps and Map Items share: data, TTLs, unique names, `If-Match`, and the write budgets.
extension SyncEmulator {
    /// Twilio's largest Document or Map Item data: 16 KiB of the `Data` value's UTF-8.
    static let maxObjectDataBytes = 16_384
    /// The longest unique name or Map Item key, in characters.
    static let maxNameLength = 320

    /// The `Data` field, if present: at most 16 KiB, a JSON object (54006, 54008).
    func objectData(_ request: EmulatorRequest) throws(Rejection) -> String? {
        guard let data = request.form["Data"] else { return nil }
        let size = data.utf8.count
        guard size <= Self.maxObjectDataBytes else {
            throw Rejection(
                response: .twilioError(
                    400, code: TwilioErrorCode.dataTooLarge,
                    "Data is too large: \(size) bytes, the maximum is \(Self.maxObjectDataBytes)"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)), object is [String: Any] else {
            throw Rejection(
                response: .twilioError(400, code: TwilioErrorCode.invalidData, "Data must be a valid JSON object"))
        }
        return data
    }

    /// The TTL in `field`, or in its alias when `field` is absent: each one given must be an integer in
    /// 0...31,536,000 (54011); the field wins when both are given, as the spec says of the alias.
    func objectTTL(_ field: String, alias: String? = nil, _ request: EmulatorRequest) throws(Rejection) -> Int? {
        var ttl: Int?
        for name in [alias, field].compactMap(\.self) {
            guard let text = request.form[name] else { continue }
            guard let value = Int(text), Self.ttlRange.contains(value) else {
                throw Rejection(
                    response: .twilioError(
                        400, code: TwilioErrorCode.invalidTTL,
                        "Invalid \(name): must be an integer from 0 to \(Self.ttlRange.upperBound)"))
            }
            ttl = value
        }
        return ttl
    }

    /// The `UniqueName` field, if present: 1 to 320 characters, not shaped like a SID (54302), and not `taken`
    /// (409, 54301).
    func objectUniqueName(_ request: EmulatorRequest, taken: (String) -> Bool) throws(Rejection) -> String? {
        guard let name = request.form["UniqueName"] else { return nil }
        guard (1...Self.maxNameLength).contains(name.count), !SIDGenerator.looksLikeSID(name) else {
            throw Rejection(
                response: .twilioError(
                    400, code: TwilioErrorCode.invalidUniqueName,
                    "Invalid unique name: 1 to 320 characters, and it must not look like a SID"))
        }
        guard !taken(name) else {
            throw Rejection(
                response: .twilioError(409, code: TwilioErrorCode.uniqueNameExists, "Unique name already exists"))
        }
        return name
    }

    /// Refuses a conditional write whose `If-Match` is not the current revision (412 with `code`). The revision may
    /// be quoted, as an HTTP entity tag.
    func checkIfMatch(_ request: EmulatorRequest, revision: String, code: Int) throws(Rejection) {
        guard let wanted = request.ifMatch else { return }
        guard wanted == revision || wanted == "\"\(revision)\"" else {
            throw Rejection(
                response: .twilioError(
                    412, code: code, "The revision \(wanted) does not match the current revision \(revision)"))
        }
    }

    /// Refuses a write of `cost` that would exceed the budget of the object `sid` (429, 54009); nothing is spent.
    func checkWriteBudget(cost: Double, of sid: String, state: EmulatorState, now: Date) throws(Rejection) {
        let limiter = state.objects.limiters[sid] ?? ObjectWriteLimiter(rule: configuration.objectWriteLimit)
        guard limiter.allows(cost: cost, at: now) else {
            throw Rejection(
                response: .twilioError(429, code: TwilioErrorCode.rateExceeded, "Object write rate exceeded"))
        }
    }

    /// Refuses a creation past `createsPerSecond` (429, 20429, `Retry-After: 1`), a window streams, Documents and
    /// Maps share; otherwise counts it. The last check before a creation.
    func admitCreation(state: inout EmulatorState, now: Date) throws(Rejection) {
        guard let limit = configuration.createsPerSecond else { return }
        state.recentCreates.removeAll { now.timeIntervalSince($0) >= 1 }
        guard state.recentCreates.count < limit else {
            throw Rejection(
                response: .twilioError(
                    429, code: TwilioErrorCode.accountRateLimited, "Too many requests", retryAfter: 1))
        }
        state.recentCreates.append(now)
    }

    /// Records an accepted write of a Document or a Map (an item's, with its key, against its Map).
    func recordWrite(
        _ operation: AcceptedObjectWrite.Operation, cost: Double, kind: SyncObjectKind, sid: String,
        uniqueName: String?, itemKey: String? = nil, state: inout EmulatorState, now: Date
    ) {
        state.objects.record(
            AcceptedObjectWrite(at: now, cost: cost, operation: operation, itemKey: itemKey), kind: kind, sid: sid,
            uniqueName: uniqueName, rule: configuration.objectWriteLimit,
            retained: configuration.retainedWritesPerObject, maxLogs: configuration.retainedObjectLogs)
    }

    /// Refuses an update that sets nothing (400, 20001): `changes` is false.
    func requireChange(_ changes: Bool, settable names: String) throws(Rejection) {
        guard changes else {
            throw Rejection(
                response: .twilioError(
                    400, code: TwilioErrorCode.invalidParameter, "An update must set at least one of \(names)"))
        }
    }
}
