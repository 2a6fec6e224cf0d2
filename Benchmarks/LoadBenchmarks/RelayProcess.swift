import Foundation

/// `sync-relay run` as a child process (the binary beside this one in the build folder), so its CPU, memory, file
/// descriptors and threads are its own, read from /proc.
final class RelayProcess {
    let process = Process()
    let configPath: String
    private let output: FileHandle

    init(configuration: String) throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = folder.appendingPathComponent("sync-relay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("no sync-relay binary beside load-bench in \(folder.path): build it first (swift build -c release --product sync-relay)")
        }
        configPath = NSTemporaryDirectory() + "load-bench-\(getpid()).json"
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = NSTemporaryDirectory() + "load-bench-\(getpid()).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
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

    /// Resident memory in bytes, threads, and open file descriptors.
    func resources() -> (rss: Int, threads: Int, fds: Int) {
        var rss = 0
        var threads = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let value = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
                if line.hasPrefix("VmRSS:") { rss = value * 1024 }
                if line.hasPrefix("Threads:") { threads = value }
            }
        }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        return (rss, threads, fds)
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
