import RelayCore
import RelaySync

extension LoopbackEmulator {
    /// A snapshot writer over `client(credentials:timeout:)`.
    func snapshotWriter(credentials: TwilioCredentials? = nil, timeout: Duration? = nil) -> SyncSnapshotWriter {
        SyncSnapshotWriter(client: client(credentials: credentials, timeout: timeout))
    }
}

extension SyncSnapshotWriter {
    /// Performs one request and waits for its answer.
    func write(_ target: SnapshotTarget, _ operation: SnapshotOperation, ttl: Duration = .zero) async
        -> SnapshotAnswer
    {
        let request = SnapshotRequest(id: 1, target: target, operation: operation, ttl: ttl, label: "test")
        return await withCheckedContinuation { continuation in
            write(request) { continuation.resume(returning: $0) }
        }
    }
}

extension SnapshotTarget {
    /// Document `name`.
    static func document(_ name: String) -> SnapshotTarget { SnapshotTarget(kind: .document, object: name) }
    /// Map `name` itself.
    static func map(_ name: String) -> SnapshotTarget { SnapshotTarget(kind: .map, object: name) }
    /// Item `key` of Map `map`.
    static func item(_ key: String, in map: String) -> SnapshotTarget {
        SnapshotTarget(kind: .map, object: map, key: key)
    }
}

/// Snapshot `Data` as the relay writes it (decision 0012), and the version it carries.
enum SnapshotSample {
    static let json = #"{"v":1,"tp":"t","p":3,"o":41,"t":1700000000000,"j":{"x":1}}"#
    static let data = Array(json.utf8)
    static let version = SnapshotVersion(topic: "t", partition: 3, offset: 41, timestamp: 1_700_000_000_000)
    /// The sample at another offset.
    static func data(offset: Int) -> [UInt8] {
        Array(#"{"v":1,"tp":"t","p":3,"o":\#(offset),"t":1700000000000,"j":{"x":1}}"#.utf8)
    }
}
