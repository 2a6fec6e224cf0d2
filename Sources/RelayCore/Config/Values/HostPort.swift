/// A `host:port` or `[ipv6]:port` pair as written in the configuration.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host, without brackets for IPv6.
    public let host: String
    /// The port number.
    public let port: Int

    /// `host:port` or `[ipv6]:port` (JSON Schema form; the port range is checked in `init`).
    public static let pattern = "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}$"

    /// Parses `host:port` or `[v6]:port`; nil when malformed or the port is above 65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    /// Whether the host is a loopback address or `localhost`.
    public var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1) or `localhost`.
    public static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
