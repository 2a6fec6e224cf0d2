import RelaySync
import SyncEmulator
import Testing

@Suite("One-line error messages", .timeLimit(.minutes(1)))
struct CommandLineMessageTests {
    @Test func explainsWrongCredentialsWithoutTheSecret() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client(credentials: .authToken(accountSID: "AC1", authToken: "s3cr3t-token"))
            let error = try #require(await syncError { _ = try await client.fetchStream("x") })
            let line = error.commandLineMessage(stream: "x", baseURL: loopback.running.baseURL)
            #expect(line.hasPrefix("authentication failed (HTTP 401, Twilio error 20003)"))
            #expect(!line.contains("s3cr3t-token"))
            #expect(!line.contains("\n"))
        }
    }

    @Test func namesAnUnknownStream() async throws {
        try await LoopbackEmulator.with { loopback in
            let error = try #require(await syncError { _ = try await loopback.client().fetchStream("ghost") })
            #expect(
                error.commandLineMessage(stream: "ghost") == "stream 'ghost' not found (HTTP 404, Twilio error 20404)")
        }
    }

    @Test func namesAnUnreachableHost() async throws {
        let http = try CurlHTTPClient()
        let client = SyncStreamsClient(
            http: http, credentials: .apiKey(sid: "SK1", secret: "hidden"), serviceSID: "IS1",
            baseURL: "http://127.0.0.1:9")
        let error = try #require(await syncError { _ = try await client.fetchStream("x") })
        let line = error.commandLineMessage(stream: "x", baseURL: client.baseURL)
        #expect(line.hasPrefix("cannot reach http://127.0.0.1:9: "))
        #expect(!line.contains("hidden"))
        await http.shutdown()
    }

    @Test func statesTheSizeOfAnOversizeMessage() {
        let json = "{\"a\":\"" + String(repeating: "x", count: 5000) + "\"}"
        do {
            _ = try SyncMessageData(validating: json)
            Issue.record("expected an error")
        } catch {
            #expect(error.commandLineMessage() == "message is 5008 bytes; Twilio accepts at most 4096 bytes")
        }
    }
}
