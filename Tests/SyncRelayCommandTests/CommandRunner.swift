import Foundation
import RelayTimers
import Synchronization
import Testing

/// Runs the built `sync-relay` executable as an operator would, and captures what it prints.
struct CommandRunner {
    /// The repository root (Tests/SyncRelayCommandTests/ is two levels down).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable, built beside the test bundle (the test target depends on it).
    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "sync-relay")
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

    /// A started child process whose output goes to files (nothing can stall on a full pipe).
    final class Child: @unchecked Sendable {
        // @unchecked: the process is only read after it exited, and the URLs are immutable.
        let process = Process()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sync-relay-run-\(UUID().uuidString)")
        var outputURL: URL { folder.appendingPathComponent("stdout") }
        var errorURL: URL { folder.appendingPathComponent("stderr") }

        /// Whether the child exited, and who waits for it. Set from Foundation's termination handler.
        private let exitState = Mutex<(exited: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        init(_ arguments: [String], environment: [String: String], executable: URL = CommandRunner.executable) throws {
            process.executableURL = executable
            process.arguments = arguments
            process.environment = environment
            process.currentDirectoryURL = CommandRunner.repositoryRoot
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: outputURL)
            process.standardError = try FileHandle(forWritingTo: errorURL)
            process.standardInput = FileHandle.nullDevice
            process.terminationHandler = { _ in self.markExited() }  // called on a Foundation thread
        }

        private func markExited() {
            let waiter = exitState.withLock { state -> CheckedContinuation<Void, Never>? in
                state.exited = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// What the child printed so far on standard output.
        var standardOutput: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

        /// What the child printed so far on standard error.
        var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

        /// Waits for the child to exit without blocking any thread: on Linux, Dispatch's global queues and Swift's
        /// cooperative pool share threads, and in-process servers the command talks to need them. A child still
        /// running after `limit` is killed (SIGKILL) and an issue recorded, so a test never hangs on a child and
        /// never leaves one behind.
        func exit(within limit: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation) async
            -> Output
        {
            let overdue = Timers.after(limit) { [self] in
                guard process.isRunning else { return }
                Issue.record("sync-relay did not exit within \(limit); killed it", sourceLocation: sourceLocation)
                kill(process.processIdentifier, SIGKILL)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let exited = exitState.withLock { state -> Bool in
                    if !state.exited { state.waiter = continuation }
                    return state.exited
                }
                if exited { continuation.resume() }
            }
            overdue.cancel()
            return output()
        }

        /// The finished child's output.
        func output() -> Output {
            defer { try? FileManager.default.removeItem(at: folder) }
            return Output(
                status: process.terminationStatus,
                standardOutput: standardOutput,
                standardError: standardError
            )
        }
    }

    /// Starts `sync-relay arguments...` with exactly `environment` (plus `SWIFT_BACKTRACE=enable=no` unless it sets
    /// one), in the repository root. Without the backtracer a crashing child aborts at once with its message on
    /// standard error: in one CI run the backtracer attached to a crashed relay never finished, the child could not
    /// be reaped, and the suite waited for its exit until the CI limit.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], executable: URL = CommandRunner.executable
    ) throws -> Child {
        var environment = environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let child = try Child(arguments, environment: environment, executable: executable)
        try child.process.run()
        return child
    }

    /// Runs `sync-relay arguments...` and waits for it to exit, leaving the cooperative pool free.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await start(arguments, environment: environment).exit()
    }
}
