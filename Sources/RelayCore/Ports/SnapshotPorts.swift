/// The snapshot side of the engine's ports: a route with a `snapshot` keeps the latest value per entity in a Sync
/// Document or a Sync Map item (decision 0012). The engine decides every request (`SnapshotEntity`, `ObjectPacer`);
/// the writer only performs one and classifies Twilio's answer.

/// Which kind of Sync object keeps a route's snapshots.
public enum SnapshotKind: String, Sendable, Hashable, CaseIterable {
    /// One Sync Document per entity, named by the route's `snapshot.name` template.
    case document
    /// One item per entity (keyed by `snapshot.key`) in the Sync Map named by `snapshot.name`.
    case map
}

/// A Sync object the relay writes: a Document (`key` nil), a Map item (`key` set), or the Map itself (`kind` map,
/// `key` nil: only `createMap` is asked of it).
public struct SnapshotTarget: Sendable, Hashable, CustomStringConvertible {
    /// Document or Map.
    public var kind: SnapshotKind
    /// The Document's or the Map's unique name.
    public var object: String
    /// The Map item's key (nil for a Document, or for the Map itself).
    public var key: String?

    public init(kind: SnapshotKind, object: String, key: String? = nil) {
        self.kind = kind
        self.object = object
        self.key = key
    }

    public var description: String { key.map { "\(kind.rawValue) \(object) item \($0)" } ?? "\(kind) \(object)" }
}

/// One request about a snapshot target.
public enum SnapshotOperation: Sendable, Hashable {
    /// Create the Map (`target.key` nil) with no TTL: 201 answers `.stored`, 409 (54301) `.exists`.
    case createMap
    /// Create the Document (`UniqueName`, `Data`, `Ttl`) or the item (`Key`, `Data`, `ItemTtl`) with this `Data`:
    /// 201 answers `.stored`, 409 (54301, 54208) `.exists`.
    case create(data: [UInt8])
    /// Update `Data` (and the TTL) with `If-Match: ifMatch`: 200 answers `.stored`, 412 `.changed`, 404 `.missing`.
    case update(data: [UInt8], ifMatch: String)
    /// Fetch it: 200 answers `.current` with its revision and the version its `Data` carries, 404 `.missing`.
    case read
    /// Delete it; a Map item with `If-Match: ifMatch` (a Document's delete takes none): 204 and 404 answer
    /// `.deleted`, 412 `.changed`.
    case delete(ifMatch: String)
}

/// One snapshot request, as the engine asks for it (`EngineAction.writeSnapshot`).
public struct SnapshotRequest: Sendable, Hashable {
    /// The engine's identity of the request: the answer names it.
    public var id: UInt64
    /// What it is about.
    public var target: SnapshotTarget
    /// What to do.
    public var operation: SnapshotOperation
    /// The TTL a create or an update sets (a Document's `Ttl`, an item's `ItemTtl`); zero: never expires.
    public var ttl: Duration
    /// The route's metrics label (its snapshot name template: entity names never become label values).
    public var label: String
    /// 1 for a first attempt of the change, then 2, 3, ...
    public var attempt: Int

    public init(
        id: UInt64, target: SnapshotTarget, operation: SnapshotOperation, ttl: Duration, label: String,
        attempt: Int = 1
    ) {
        self.id = id
        self.target = target
        self.operation = operation
        self.ttl = ttl
        self.label = label
        self.attempt = attempt
    }
}

/// Twilio's answer to a `SnapshotRequest`, classified by the writer.
public enum SnapshotAnswer: Sendable, Equatable {
    /// Created or updated: the object is now at `revision` (a Map's create: the Map's revision).
    case stored(revision: String)
    /// Deleted, or already gone (404 on a delete).
    case deleted
    /// Read: the object is at `revision`, and its `Data` carries `version` (nil: not a value the relay wrote).
    case current(revision: String, version: SnapshotVersion?)
    /// It does not exist (404 on a read or an update: expired or deleted).
    case missing
    /// A create found it existing (409).
    case exists
    /// A conditional request found it changed (412).
    case changed
    /// A Map item request found no Map (404, 54200): the Map expired or was deleted, and is created again.
    case mapMissing
    /// Anything else, classified as a publish's answer is: 429 (with its scope and `Retry-After`), 5xx, a timeout,
    /// a transport error, 401/403, and the refusals (400, 54006 too large).
    case failed(PublishOutcome)
}

/// Twilio Sync's Documents and Maps.
public protocol SnapshotWriter: Sendable {
    /// Performs `request`; calls `answer` once with what Twilio said.
    func write(_ request: SnapshotRequest, answer: @escaping @Sendable (SnapshotAnswer) -> Void)
}

extension SnapshotVersion {
    /// The version a snapshot's `Data` carries (`tp`, `p`, `o`, and `t` when present; decision 0012), or nil when it
    /// carries none: a value the relay did not write.
    public init?(data: JSONValue) {
        guard case .string(let topic)? = data["tp"], case .number(let p)? = data["p"], case .number(let o)? = data["o"],
            let partition = Int32(p), let offset = Int64(o)
        else { return nil }
        var timestamp: Int64?
        if case .number(let t)? = data["t"] { timestamp = Int64(t) }
        self.init(topic: topic, partition: partition, offset: offset, timestamp: timestamp)
    }
}

extension SnapshotOperation {
    /// The operation's metrics label: `create`, `update`, `read`, `delete` or `create-map`.
    public var label: String {
        switch self {
        case .createMap: "create-map"
        case .create: "create"
        case .update: "update"
        case .read: "read"
        case .delete: "delete"
        }
    }
}
