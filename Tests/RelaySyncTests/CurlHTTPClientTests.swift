import Foundation
import SyncEmulator
import Testing

@testable import RelaySync

@Suite("libcurl multi HTTP client", .timeLimit(.minutes(1)))
struct CurlHTTPClientTests {
    @Test func getsOverLoopback() async throws {
        try await LoopbackEmulator.with { loopback in
            let response = try await loopback.http.execute(
                HTTPClientRequest(url: loopback.running.baseURL + "/_emulator/stats"))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.bodyText.contains("\"accepted\":0"))
        }
    }

    @Test func postsABodyAndReadsStatusAndHeaders() async throws {
        try await LoopbackEmulator.with { loopback in
            let fault = #"{"status":429,"code":20429,"retry_after":7,"count":1}"#
            let created = try await loopback.http.execute(
                HTTPClientRequest(
                    method: .post, url: loopback.running.baseURL + "/_emulator/faults", body: Array(fault.utf8)))
            #expect(created.status == 201)
            let limited = try await loopback.http.execute(
                HTTPClientRequest(url: loopback.running.baseURL + "/v1/Services/x/Streams"))
            #expect(limited.status == 429)
            #expect(limited.header("retry-after") == "7")
        }
    }

    /// The client keeps header lines raw and parses them when asked: names match case-insensitively, blanks around
    /// values go, a repeated header keeps its last value, and lines without a colon are skipped.
    @Test func rawHeadersAreParsedOnDemand() {
        let raw =
            "Content-Type: application/json\r\nX-Twilio-Request: a \r\nRetry-After:\t7\r\n"
            + "x-twilio-request: b\r\nno colon here\r\n\r\n"
        let response = HTTPClientResponse(
            status: 429, rawHeaders: Array(raw.utf8), body: [], httpVersion: "1.1", newConnections: 0)
        #expect(response.header("retry-after") == "7")
        #expect(response.header("RETRY-AFTER") == "7")
        #expect(response.header("X-Twilio-Request") == "b")
        #expect(response.header("Retry") == nil)
        #expect(
            response.headers == ["content-type": "application/json", "x-twilio-request": "b", "retry-after": "7"])
        let given = HTTPClientResponse(status: 200, headers: ["Content-Type": "text/plain"])
        #expect(given.header("content-type") == "text/plain")
    }

    @Test func runsManyConcurrentRequestsOnFewConnections() async throws {
        try await LoopbackEmulator.with(http: HTTPClientConfiguration(maxConnectionsPerHost: 4)) { loopback in
            let url = loopback.running.baseURL + "/_emulator/stats"
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<500 {
                    group.addTask { try await loopback.http.execute(HTTPClientRequest(url: url)).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 500)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func keepsEveryConnectionItMayOpenEvenWithASmallerCache() async throws {
        // HTTP/1.1 (the emulator) with 8 connections allowed and a cache of 2: when the cache was the smaller, every
        // round of 8 concurrent requests closed 6 connections and opened 6 new ones (found by load-bench at 1,000
        // streams: 4% of the relay's CPU in connect). The cache now holds as many as may be open.
        let configuration = HTTPClientConfiguration(maxConnectionsPerHost: 8, connectionCacheSize: 2)
        try await LoopbackEmulator.with(http: configuration) { loopback in
            // Held 200 ms each, so the 8 requests of a round overlap and need 8 connections.
            _ = loopback.running.emulator.injectFault(EmulatorFault(latencyMs: 200))
            let url = loopback.running.baseURL + "/v1/Services/IS00000000000000000000000000000000/Streams"
            var opened: [Int] = []
            for _ in 0..<3 {
                let connections = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await loopback.http.execute(HTTPClientRequest(url: url)).newConnections }
                    }
                    return try await group.reduce(0, +)
                }
                opened.append(connections)
            }
            // At most the 8 allowed, over all rounds (a request may wait for a busy connection rather than open
            // the 8th at once), and none in the last round.
            #expect(opened.reduce(0, +) <= 8 && opened[2] == 0, "connections opened per round: \(opened)")
        }
    }

    @Test func queuesBeyondTheInFlightLimitAndCountsTheWaitInTheTimeout() async throws {
        let configuration = HTTPClientConfiguration(maxConnectionsPerHost: 1, maxTransfersInFlight: 1)
        try await LoopbackEmulator.with(http: configuration) { loopback in
            let url = loopback.running.baseURL + "/_emulator/stats"
            let slow = await occupyTheOnlyConnection(loopback, forMilliseconds: 1500)
            // The only slot is busy for 1.5 s, so this request times out while still waiting for it.
            let error = await syncError {
                _ = try await loopback.http.execute(HTTPClientRequest(url: url, timeout: .milliseconds(300)))
            }
            #expect(error?.code == .timeout)
            #expect(try await slow.value.status == 401)
            // Many queued requests all complete through the single slot.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await loopback.http.execute(HTTPClientRequest(url: url)).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 50))
        }
    }

    /// A recycled easy handle keeps its options for the next request of the same kind and is reset for another
    /// kind. Over one connection (so mostly one handle): a create, a publish whose form-encoded body (10 KB) is
    /// larger than the handle's first body buffer, a small publish, a fetch (a GET after POSTs sends no body), a TTL
    /// update, a delete, a fetch of the deleted stream and a new create each do exactly what they say.
    @Test func reusedHandlesCarryNothingFromTheRequestBefore() async throws {
        try await LoopbackEmulator.with(http: HTTPClientConfiguration(maxConnectionsPerHost: 1)) { loopback in
            let client = loopback.client()
            _ = try await client.createStream(uniqueName: "reuse", ttl: 600)
            let large = try SyncMessageData(validating: #"{"text":""# + String(repeating: "&=+ %", count: 700) + #""}"#)
            let small = try SyncMessageData(validating: #"{"n":1}"#)
            _ = try await client.publish(large, to: "reuse")
            _ = try await client.publish(small, to: "reuse")
            #expect(loopback.emulator.messages(stream: "reuse").map(\.data) == [large.json, small.json])
            let fetched = try await client.fetchStream("reuse")
            #expect(fetched.uniqueName == "reuse")
            let updated = try await client.updateStream("reuse", ttl: 0)
            #expect(updated.dateExpires == nil)
            try await client.deleteStream("reuse")
            let error = await syncError { _ = try await client.fetchStream("reuse") }
            #expect(error?.outcome == .notFound(twilioCode: 20404))
            let recreated = try await client.createStream(uniqueName: "reuse")
            #expect(recreated.dateExpires == nil)
        }
    }

    /// Against an HTTP/1.1 server the loop runs no more transfers than it may open connections; the rest wait in
    /// the loop, and one whose deadline passes there fails on time (not when a connection frees).
    @Test func aRequestWaitingForAConnectionTimesOutOnTime() async throws {
        let configuration = HTTPClientConfiguration(maxConnectionsPerHost: 1, maxTransfersInFlight: 10)
        try await LoopbackEmulator.with(http: configuration) { loopback in
            let url = loopback.running.baseURL + "/_emulator/stats"
            let first = try await loopback.http.execute(HTTPClientRequest(url: url))
            #expect(first.httpVersion == "1.1")
            let slow = await occupyTheOnlyConnection(loopback, forMilliseconds: 3000)
            let started = ContinuousClock.now
            let error = await syncError {
                _ = try await loopback.http.execute(HTTPClientRequest(url: url, timeout: .milliseconds(300)))
            }
            #expect(error?.code == .timeout)
            let waited = ContinuousClock.now - started
            #expect(waited < .milliseconds(2500), "the timeout waited for the connection")
            let slowStatus = try await slow.value.status
            #expect(slowStatus == 401)
        }
    }

    /// Starts a request the emulator answers (401) only after `milliseconds`, and returns once the emulator has
    /// taken it, so it holds a connection (the only one, in the tests that use it) until then.
    private func occupyTheOnlyConnection(_ loopback: LoopbackEmulator, forMilliseconds milliseconds: Int) async
        -> Task<HTTPClientResponse, any Error>
    {
        loopback.emulator.injectFault(EmulatorFault(count: 1, latencyMs: milliseconds))
        let slow = Task {
            try await loopback.http.execute(HTTPClientRequest(url: loopback.running.baseURL + "/v1/Services/x/Streams"))
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !loopback.emulator.faults().isEmpty, ContinuousClock.now < deadline { await Task.yield() }
        return slow
    }

    @Test func timesOut() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(count: 1, latencyMs: 3000))
            let error = await syncError {
                _ = try await loopback.http.execute(
                    HTTPClientRequest(
                        url: loopback.running.baseURL + "/v1/Services/x/Streams", timeout: .milliseconds(200)))
            }
            #expect(error?.code == .timeout)
            #expect(error?.outcome == .timeout)
        }
    }

    @Test func cancellationRemovesTheTransfer() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(count: 1, latencyMs: 10_000))
            let url = loopback.running.baseURL + "/v1/Services/x/Streams"
            let task = Task { () async -> SyncError? in
                await syncError { _ = try await loopback.http.execute(HTTPClientRequest(url: url)) }
            }
            // Wait (with a deadline) until the request reached the server, then cancel it.
            let deadline = ContinuousClock.now + .seconds(10)
            while loopback.emulator.faults().count == 1, ContinuousClock.now < deadline { await Task.yield() }
            task.cancel()
            let error = await task.value
            #expect(error?.code == .cancelled)
            // The client still works afterwards.
            let response = try await loopback.http.execute(
                HTTPClientRequest(url: loopback.running.baseURL + "/_emulator/stats"))
            #expect(response.status == 200)
        }
    }

    @Test func alreadyCancelledTaskFailsFast() async throws {
        let http = try CurlHTTPClient()
        let task = Task { () async -> SyncError? in
            withUnsafeCurrentTask { $0?.cancel() }
            return await syncError { _ = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:9/")) }
        }
        let error = await task.value
        #expect(error?.code == .cancelled || error?.code == .transport)
        await http.shutdown()
    }

    @Test func reportsRefusedConnections() async throws {
        let http = try CurlHTTPClient()
        let error = await syncError { _ = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:9/")) }
        #expect(error?.code == .transport)
        #expect(error?.curlCode == 7)  // CURLE_COULDNT_CONNECT
        #expect(error?.reason.contains("127.0.0.1") == true)
        await http.shutdown()
    }

    @Test func reportsDroppedConnections() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(count: 1, dropConnection: true))
            let error = await syncError {
                _ = try await loopback.http.execute(
                    HTTPClientRequest(url: loopback.running.baseURL + "/v1/Services/x/Streams"))
            }
            #expect(error?.code == .transport)
        }
    }

    @Test func reportsTLSFailures() async throws {
        // The emulator speaks plain HTTP, so a TLS handshake with it fails.
        try await LoopbackEmulator.with { loopback in
            let url = "https://127.0.0.1:\(loopback.running.port)/_emulator/stats"
            let error = await syncError { _ = try await loopback.http.execute(HTTPClientRequest(url: url)) }
            #expect(error?.code == .transport)
            #expect(error?.reason.hasPrefix("TLS failure") == true)
        }
    }

    @Test func refusesOtherProtocols() async throws {
        let http = try CurlHTTPClient()
        let error = await syncError { _ = try await http.execute(HTTPClientRequest(url: "file:///etc/passwd")) }
        #expect(error != nil)
        await http.shutdown()
    }

    @Test func failsRequestsAfterShutdown() async throws {
        let http = try CurlHTTPClient()
        await http.shutdown()
        let error = await syncError { _ = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:9/")) }
        #expect(error?.code == .shutdown)
    }
}
