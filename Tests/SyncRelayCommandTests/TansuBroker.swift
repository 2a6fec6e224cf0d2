import Foundation
import RelayTestSupport
import RelayTimers
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Tansu (scripts/install-tansu.sh), an independent Apache-Kafka-compatible broker written in Rust, as a child process
/// on a free loopback port with in-memory storage. Where the mock cluster shares librdkafka's code with the client,
/// Tansu shares none: its group coordinator, fetch and offsets are its own.
///
/// Its gaps, as the suites that use it rely on them (docs/reliability.md, "Against a real broker"): it serves no TLS
/// here; SASL handshakes fail in this build; offsets-for-times answers with append time; commit metadata is not
/// returned; a join takes a few seconds (the group waits for members to rejoin, up to the session timeout).
final class TansuBroker: @unchecked Sendable {
    // @unchecked: `child` and `port` are set once in init; the child's own state is thread-safe.

    /// The binary: `SYNC_RELAY_TANSU`, else where scripts/install-tansu.sh puts it.
    static var binary: String {
        ProcessInfo.processInfo.environment["SYNC_RELAY_TANSU"] ?? "/usr/local/lib/sync-relay/tansu-0.6.0/tansu"
    }

    let port: Int
    private let child: CommandRunner.Child

    /// `host:port`, as the relay's `kafka.brokers` takes it.
    var bootstrapServers: String { "127.0.0.1:\(port)" }
    private var url: String { "tcp://127.0.0.1:\(port)" }

    /// Starts a broker and waits until it accepts connections.
    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw Unavailable(description: "no Tansu at \(Self.binary): run scripts/install-deps.sh")
        }
        port = try Self.freeLoopbackPort()
        let url = "tcp://127.0.0.1:\(port)"
        child = try CommandRunner.start(
            ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            environment: ["RUST_LOG": "warn"], executable: URL(fileURLWithPath: Self.binary))
        let port = self.port
        await eventually("Tansu accepts connections on \(port)", timeout: .seconds(30)) { Self.accepts(port: port) }
    }

    /// Creates `name` with `partitions` partitions (`tansu topic create`).
    func createTopic(_ name: String, partitions: Int) async throws {
        let output = try await CommandRunner.start(
            ["topic", "create", "--broker", url, "--partitions", String(partitions), name],
            executable: URL(fileURLWithPath: Self.binary)
        ).exit(within: .seconds(30))
        guard output.status == 0 else {
            throw Unavailable(description: "tansu topic create \(name) failed (\(output.status)): \(output.all)")
        }
    }

    /// Stops the broker and returns what it printed. SIGKILL: its storage is in memory, so there is nothing to
    /// flush (and Tansu 0.6.0 does not end on SIGTERM while clients are connected).
    @discardableResult
    func stop() async -> String {
        kill(child.process.processIdentifier, SIGKILL)
        let output = await child.exit(within: .seconds(10))
        return output.all
    }

    /// Starts a broker, runs `body` with it and stops it, whatever `body` does.
    static func withRunning<T>(_ body: (TansuBroker) async throws -> T) async throws -> T {
        let broker = try await TansuBroker()
        do {
            let result = try await body(broker)
            await broker.stop()
            return result
        } catch {
            await broker.stop()
            throw error
        }
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it; the broker binds it next).
    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Unavailable(description: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw Unavailable(description: "bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw Unavailable(description: "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port`.
    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}
