import Foundation
import RelaySync
import RelayTestSupport
import Testing

@testable import SyncEmulator

/// The account's concurrency, as Twilio counts it: `Twilio-Concurrent-Requests` on every answer, phantom requests of
/// other clients, and 429/20429 with `Retry-After` past the account's limit.
@Suite("Emulator account concurrency", .timeLimit(.minutes(1)))
struct EmulatorConcurrencyTests {
    static let auth =
        "Basic " + Data("\(SyncEmulatorConfiguration.defaultAccountSID):emulator-token".utf8).base64EncodedString()

    func withServer(
        limit: Int? = nil, phantom: Int = 0,
        _ body: @Sendable (RunningSyncEmulator, CurlHTTPClient) async throws -> Void
    ) async throws {
        var configuration = SyncEmulatorConfiguration()
        configuration.accountConcurrencyLimit = limit
        configuration.phantomConcurrentRequests = phantom
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning(SyncEmulator(configuration: configuration)) { running in
            try await body(running, http)
        }
        await http.shutdown()
    }

    func create(_ name: String, _ running: RunningSyncEmulator, _ http: CurlHTTPClient) async throws
        -> HTTPClientResponse
    {
        try await http.execute(
            HTTPClientRequest(
                method: .post, url: running.baseURL + "/v1/Services/default/Streams",
                headers: [("Authorization", Self.auth), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("UniqueName=\(name)".utf8)))
    }

    @Test func everyAnswerCarriesTheAccountsConcurrentRequests() async throws {
        try await withServer(phantom: 4) { running, http in
            let created = try await create("a", running, http)
            #expect(created.status == 201)
            #expect(created.header("Twilio-Concurrent-Requests") == "5", "itself and the 4 phantom requests")
            let missing = try await http.execute(
                HTTPClientRequest(
                    method: .get, url: running.baseURL + "/v1/Services/default/Streams/nope",
                    headers: [("Authorization", Self.auth)]))
            #expect(missing.status == 404)
            #expect(missing.header("Twilio-Concurrent-Requests") == "5")
            let stats = try await http.execute(
                HTTPClientRequest(method: .get, url: running.baseURL + "/_emulator/stats", headers: []))
            #expect(stats.header("Twilio-Concurrent-Requests") == nil, "the control API is not Twilio's")
            #expect(running.emulator.apiRequestsInFlight == 0)
        }
    }

    @Test func requestsPastTheAccountLimitAreRefusedWith20429AndCounted() async throws {
        try await withServer(limit: 3, phantom: 1) { running, http in
            // A first request shows libcurl the server speaks HTTP/1.1: the next ones open connections of their own
            // at once instead of waiting to share the first (CURLOPT_PIPEWAIT).
            #expect(try await create("warm", running, http).status == 201)
            // The next two requests are held for a while: with the phantom one, the account is at its limit.
            running.emulator.injectFault(EmulatorFault(count: 2, latencyMs: 3000, delaysTheAnswer: true))
            async let first = create("held-1", running, http)
            async let second = create("held-2", running, http)
            await eventually("both held requests are in flight") { running.emulator.apiRequestsInFlight == 2 }
            let refused = try await create("refused", running, http)
            #expect(refused.status == 429)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.header("Twilio-Concurrent-Requests") == "4")
            #expect(TwilioErrorBody.decode(refused.body)?.code == 20429)
            let held = try await [first, second]
            #expect(held.map(\.status) == [201, 201])
            #expect(Set(held.compactMap { $0.header("Twilio-Concurrent-Requests") }) == ["2", "3"])
            let after = try await create("after", running, http)
            #expect(after.status == 201, "the account is below its limit again")
            let stats = running.emulator.stats()
            #expect(stats.rejections[20429] == 1)
            #expect(stats.created == 4)
        }
    }
}
