import Foundation
import RelayCore
import SyncEmulator
import Testing

@Suite("sync-relay streams against the emulator", .timeLimit(.minutes(1)))
struct StreamsCommandTests {
    /// A configuration file for `running`, with the emulator's credentials.
    func configFile(_ running: RunningSyncEmulator) throws -> String {
        let emulator = SyncEmulatorConfiguration()
        let document = """
            {"kafka": {"brokers": ["127.0.0.1:9092"], "topics": ["orders"]},
             "twilio": {"accountSid": "\(emulator.accountSID)", "authToken": "${TOKEN}", "serviceSid": "\(emulator.serviceSID)",
                        "baseURL": "\(running.baseURL)"}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("streams-\(UUID().uuidString).json")
        try document.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func managesStreamsWithCredentialsFromTheConfiguration() async throws {
        try await SyncEmulatorServer.withRunning { running in
            let config = try configFile(running)
            let environment = ["TOKEN": SyncEmulatorConfiguration.defaultAuthToken]
            let created = try await CommandRunner.run(
                ["streams", "create", "orders", "--ttl", "3600", "--config", config], environment: environment)
            #expect(created.status == 0, "\(created.all)")
            let published = try await CommandRunner.run(
                ["streams", "publish", "orders", #"{"id":1}"#, "--config", config], environment: environment)
            #expect(published.status == 0, "\(published.all)")
            let listed = try await CommandRunner.run(
                ["streams", "list", "--output", "json", "--config", config], environment: environment)
            #expect(listed.status == 0)
            #expect(listed.standardOutput.contains("\"unique_name\"") && listed.standardOutput.contains("orders"))
            #expect(running.emulator.messages(stream: "orders").map(\.data) == [#"{"id":1}"#])
            #expect(!(created.all + published.all + listed.all).contains(SyncEmulatorConfiguration.defaultAuthToken))
        }
    }

    @Test func badInputGetsOneClearLine() async throws {
        try await SyncEmulatorServer.withRunning { running in
            let config = try configFile(running)
            let environment = ["TOKEN": SyncEmulatorConfiguration.defaultAuthToken]
            let big = "{\"pad\":\"" + String(repeating: "x", count: 5000) + "\"}"
            let cases: [([String], String)] = [
                (["streams", "publish", "orders", "{not json", "--config", config], "JSON"),
                (["streams", "publish", "orders", big, "--config", config], "5010 bytes"),
                (["streams", "get", "no-such-stream", "--config", config], "no-such-stream"),
            ]
            for (arguments, fragment) in cases {
                let output = try await CommandRunner.run(arguments, environment: environment)
                #expect(output.status != 0)
                #expect(output.standardError.split(separator: "\n").count == 1, "\(output.standardError)")
                #expect(output.standardError.contains(fragment), "\(arguments[1]): \(output.standardError)")
            }
            let wrong = try await CommandRunner.run(
                ["streams", "list", "--config", config], environment: ["TOKEN": "wrong-token-SECRET"])
            #expect(wrong.status != 0)
            #expect(wrong.standardError.contains("401") || wrong.standardError.lowercased().contains("credentials"))
            #expect(!wrong.all.contains("wrong-token-SECRET"))
            let broken = try await CommandRunner.run(["streams", "list", "--config", "/nonexistent.json"])
            #expect(broken.status == 78)
        }
    }
}
