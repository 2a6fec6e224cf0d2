import Foundation
import Testing

/// Runs the built `sync-relay` executable as an operator would, and captures what it prints.
struct CommandRunner {
    /// The repository root (Tests/SyncRelayCommandTests/ is two levels down).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable, built beside the test bundle (the test target depends on it).
    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sync-relay")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/sync-relay")
    }()

    /// What one run printed and how it ended.
    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
        var all: String { standardOutput + standardError }
    }

    /// Runs `sync-relay arguments...` with exactly `environment`, in the repository root.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = repositoryRoot
        // Files rather than pipes: nothing can stall on a full pipe, and the text is read once the child is gone.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sync-relay-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputURL = folder.appendingPathComponent("stdout"), errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
            standardError: try String(contentsOf: errorURL, encoding: .utf8)
        )
    }
}
