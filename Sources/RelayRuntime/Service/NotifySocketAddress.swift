#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Unix datagram socket systemd listens on for `sd_notify` messages, from `$NOTIFY_SOCKET`: a filesystem path
/// (`/run/systemd/notify`) or, with a leading `@`, a Linux abstract socket name.
///
/// `send` opens a socket, sends one datagram without blocking, and closes it, as libsystemd does; messages are rare
/// (state changes and watchdog pings), so nothing stays open. All C calls stay in this file.
struct NotifySocketAddress: Sendable, Equatable {
    /// The bytes of `sun_path`: the path, or a NUL followed by the abstract name.
    let pathBytes: [UInt8]

    /// The largest `sun_path` this platform allows.
    static let maxPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// Never wait for room in the receiver's queue; never raise SIGPIPE.
    #if os(Linux)
        private static let sendFlags = Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)
    #else
        private static let sendFlags = MSG_DONTWAIT
    #endif

    /// Parses `$NOTIFY_SOCKET`; nil when it is neither an absolute path nor `@name`, or too long.
    init?(_ text: String) {
        var bytes = Array(text.utf8)
        switch bytes.first {
        case UInt8(ascii: "/"):
            // A path needs its terminating NUL inside sun_path.
            guard bytes.count < Self.maxPathLength else { return nil }
        case UInt8(ascii: "@"):
            bytes[0] = 0
            guard bytes.count > 1, bytes.count <= Self.maxPathLength else { return nil }
        default:
            return nil
        }
        pathBytes = bytes
    }

    /// Sends `message` as one datagram. Never blocks: a full receive queue is an error, not a wait.
    func send(_ message: String) -> Result<Void, NotifySocketError> {
        #if os(Linux)
            let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return .failure(NotifySocketError(call: "socket", errno: errno)) }
        defer { close(descriptor) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { sunPath in
            sunPath.copyBytes(from: pathBytes)
        }
        // Abstract names are exactly as long as given (no NUL terminator); paths include their NUL.
        let pathLength = pathBytes.first == 0 ? pathBytes.count : pathBytes.count + 1
        let addressLength = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathLength)

        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { addressPointer in
            addressPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Self.sendFlags, socketAddress, addressLength)
                }
            }
        }
        guard sent >= 0 else { return .failure(NotifySocketError(call: "sendto", errno: errno)) }
        guard sent == bytes.count else { return .failure(NotifySocketError(call: "sendto", errno: EMSGSIZE)) }
        return .success(())
    }
}

/// A failed `sd_notify` send: the C call and its `errno`.
struct NotifySocketError: Error, Sendable, CustomStringConvertible {
    let call: String
    let errno: Int32

    var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}
