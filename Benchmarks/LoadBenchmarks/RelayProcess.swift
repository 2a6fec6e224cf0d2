import Foundation

/// `sync-relay run` as a child process (the binary beside this one in the build folder), so its CPU, memory, file
/// descriptors and threads are its own, read from /proc.
final class RelayProcess {
    let process = Process()
    let configPath: String
    private let output: FileHandle

    init(configuration: String) throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let binary = folder.appendingPathComponent("sync-relay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError(
                "no sync-relay binary beside load-bench in \(folder.path): build it first (swift build -c release --product sync-relay)"
            )
        }
        configPath = NSTemporaryDirectory() + "load-bench-\(getpid()).json"
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = NSTemporaryDirectory() + "load-bench-\(getpid()).log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw BenchError("cannot create the relay's log file \(logPath)")
        }
        output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = binary
        process.arguments = ["run", "--config", configPath]
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// CPU seconds (user + system) the relay has used, from /proc/<pid>/stat.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15 (1-based in proc(5)), so 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory in bytes, threads, open file descriptors, and how many of those are established TCP
    /// connections to `port` on loopback (the sink): libcurl opens connections up to `maxConnections` as in-flight
    /// requests need them and closes those idle for two minutes, so they come and go; a leak shows in the other
    /// descriptors, among them sockets to the sink no longer established (a socket left open after its peer closed
    /// it stays in CLOSE_WAIT).
    func resources(connectionsTo port: Int) -> (rss: Int, threads: Int, fds: Int, connections: Int) {
        var rss = 0
        var threads = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let value =
                    line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
                if line.hasPrefix("VmRSS:") { rss = value * 1024 }
                if line.hasPrefix("Threads:") { threads = value }
            }
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        var sockets = Set<Substring>()
        for descriptor in descriptors {
            // A socket's link reads `socket:[inode]`.
            guard
                let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                link.hasPrefix("socket:[")
            else { continue }
            sockets.insert(Substring(link.dropFirst(8).dropLast()))
        }
        // /proc/<pid>/net/tcp lists the namespace's IPv4 sockets: `sl local rem st ... uid timeout inode`, addresses
        // as hex `ip:port`, state 01 established.
        let remote = String(format: ":%04X", port)
        var connections = 0
        // Read to the end: String(contentsOfFile:) stops after the first 4 KiB the kernel hands out.
        if let file = FileHandle(forReadingAtPath: "/proc/\(pid)/net/tcp") {
            let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
            try? file.close()
            for line in table.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 9, fields[2].hasSuffix(remote), fields[3] == "01", sockets.contains(fields[9]) {
                    connections += 1
                }
            }
        }
        return (rss, threads, descriptors.count, connections)
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: configPath)
        return process.terminationStatus
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
