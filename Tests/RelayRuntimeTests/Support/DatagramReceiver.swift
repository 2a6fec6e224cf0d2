import RelayTimers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Unix datagram socket that plays systemd's side of `sd_notify`: bound to a path in a fresh temporary directory
/// (or, on Linux, to an abstract name), it collects the datagrams sent to it. Reads never block; `next` polls until
/// a deadline.
final class DatagramReceiver {
    /// What to put in `NOTIFY_SOCKET`.
    let notifySocket: String
    private let descriptor: Int32
    private let directory: String?

    /// A receiver bound to `<temp dir>/notify`, or to a random abstract name when `abstract` is true.
    init(abstract: Bool = false) throws {
        descriptor = socket(AF_UNIX, Self.datagram, 0)
        guard descriptor >= 0 else { throw ReceiverError(call: "socket") }
        var pathBytes: [UInt8]
        if abstract {
            let name = "sync-relay-test-\(UInt64.random(in: 0...UInt64.max))"
            notifySocket = "@" + name
            pathBytes = [0] + Array(name.utf8)
            directory = nil
        } else {
            var template = Array("/tmp/sync-relay-notify-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw ReceiverError(call: "mkdtemp") }
            let directory = String(cString: made)
            self.directory = directory
            notifySocket = directory + "/notify"
            pathBytes = Array(notifySocket.utf8)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else { throw ReceiverError(call: "bind") }
    }

    /// The next datagram, or nil when none arrives before `timeout`.
    func next(timeout: Duration = .seconds(5)) async throws -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while clock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Self.dontWait) }
            if count >= 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw ReceiverError(call: "recv") }
            try await Timers.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Every datagram already queued, without waiting.
    func drain() -> [String] {
        var received: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Self.dontWait) }
            guard count >= 0 else { return received }
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }

    deinit {
        close(descriptor)
        if let directory {
            unlink(notifySocket)
            rmdir(directory)
        }
    }

    #if os(Linux)
        private static let datagram = Int32(SOCK_DGRAM.rawValue)
        private static let dontWait = Int32(MSG_DONTWAIT)
    #else
        private static let datagram = SOCK_DGRAM
        private static let dontWait = MSG_DONTWAIT
    #endif

    struct ReceiverError: Error, CustomStringConvertible {
        let call: String
        let code: Int32 = errno
        var description: String { "\(call) failed with errno \(code)" }
    }
}
