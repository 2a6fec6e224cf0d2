import Foundation
import RelaySync
import Testing

@testable import SyncEmulator

@Suite("Emulator over loopback HTTP", .timeLimit(.minutes(1)))
struct EmulatorServerTests {
    static let auth =
        "Basic " + Data("\(SyncEmulatorConfiguration.defaultAccountSID):emulator-token".utf8).base64EncodedString()

    func withServer(
        clock: (any EmulatorClock)? = nil,
        _ body: @Sendable (RunningSyncEmulator, CurlHTTPClient) async throws -> Void
    ) async throws {
        let emulator = SyncEmulator(clock: clock ?? SystemEmulatorClock())
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning(emulator) { running in
            try await body(running, http)
        }
        await http.shutdown()
    }

    func json(_ response: HTTPClientResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    @Test func listensOnAnEphemeralLoopbackPort() async throws {
        try await withServer { running, _ in
            #expect(running.port > 0)
            #expect(running.baseURL == "http://127.0.0.1:\(running.port)")
        }
    }

    @Test func servesTheAPIWithURLsFromItsOwnAddress() async throws {
        try await withServer { running, http in
            let response = try await http.execute(
                HTTPClientRequest(
                    method: .post,
                    url: running.baseURL + "/v1/Services/default/Streams",
                    headers: [("Authorization", Self.auth), ("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array("UniqueName=a%20b&Ttl=60".utf8)))
            #expect(response.status == 201)
            let body = json(response)
            #expect(body["unique_name"] as? String == "a b")
            #expect((body["url"] as? String)?.hasPrefix(running.baseURL + "/v1/Services/IS") == true)
        }
    }

    @Test func controlAPIReadsBackResetsAndCounts() async throws {
        try await withServer { running, http in
            let base = running.baseURL
            let form = [("Authorization", Self.auth), ("Content-Type", "application/x-www-form-urlencoded")]
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: base + "/v1/Services/default/Streams", headers: form,
                    body: Array("UniqueName=c".utf8)))
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: base + "/v1/Services/default/Streams/c/Messages", headers: form,
                    body: Array("Data=%7B%22k%22%3A1%7D".utf8)))
            _ = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: base + "/v1/Services/default/Streams/c/Messages", headers: form,
                    body: Array("Data=%5B%5D".utf8)))

            let messages = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/streams/c/messages")))
            let list = try #require(messages["messages"] as? [[String: Any]])
            #expect(list.count == 1)
            #expect((list[0]["data"] as? [String: Any])?["k"] as? Int == 1)
            #expect(list[0]["arrived_at"] is String)
            #expect(list[0]["sequence"] as? Int == 1)

            let stats = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/stats")))
            #expect(stats["accepted"] as? Int == 1)
            #expect((stats["rejections"] as? [String: Int])?["54008"] == 1)

            let reset = try await http.execute(HTTPClientRequest(method: .post, url: base + "/_emulator/reset"))
            #expect(reset.status == 200)
            #expect(running.emulator.stats().accepted == 0)
        }
    }

    @Test func controlAPIManagesFaults() async throws {
        try await withServer { running, http in
            let base = running.baseURL
            let fault = #"{"status":503,"code":20503,"count":2,"stream":"s"}"#
            let created = try await http.execute(
                HTTPClientRequest(method: .post, url: base + "/_emulator/faults", body: Array(fault.utf8)))
            #expect(created.status == 201)
            #expect(running.emulator.faults() == [EmulatorFault(status: 503, code: 20503, count: 2, stream: "s")])
            let listed = json(try await http.execute(HTTPClientRequest(url: base + "/_emulator/faults")))
            #expect((listed["faults"] as? [Any])?.count == 1)
            let bad = try await http.execute(
                HTTPClientRequest(method: .post, url: base + "/_emulator/faults", body: Array("nope".utf8)))
            #expect(bad.status == 400)
            _ = try await http.execute(HTTPClientRequest(method: .delete, url: base + "/_emulator/faults"))
            #expect(running.emulator.faults().isEmpty)
        }
    }

    @Test func addsLatency() async throws {
        try await withServer { running, http in
            running.emulator.injectFault(EmulatorFault(count: 1, latencyMs: 300))
            let start = ContinuousClock.now
            let response = try await http.execute(
                HTTPClientRequest(
                    url: running.baseURL + "/v1/Services/default/Streams", headers: [("Authorization", Self.auth)]))
            #expect(response.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    /// A delay before handling makes the message arrive late; a delay of the answer leaves its arrival on time.
    @Test func aDelayedAnswerLeavesTheArrivalOnTime() async throws {
        try await withServer { running, http in
            let base = running.baseURL + "/v1/Services/default/Streams"
            let form = [("Authorization", Self.auth), ("Content-Type", "application/x-www-form-urlencoded")]
            _ = try await http.execute(
                HTTPClientRequest(method: .post, url: base, headers: form, body: Array("UniqueName=d".utf8)))
            for delaysTheAnswer in [false, true] {
                running.emulator.injectFault(
                    EmulatorFault(count: 1, latencyMs: 300, delaysTheAnswer: delaysTheAnswer))
                let sent = Date()
                let response = try await http.execute(
                    HTTPClientRequest(
                        method: .post, url: base + "/d/Messages", headers: form, body: Array("Data=%7B%7D".utf8)))
                let answered = Date()
                #expect(response.status == 201)
                let arrived = try #require(running.emulator.messages(stream: "d").last?.arrivedAt)
                if delaysTheAnswer {
                    #expect(answered.timeIntervalSince(arrived) >= 0.3, "handled first, answered 300 ms later")
                } else {
                    #expect(arrived.timeIntervalSince(sent) >= 0.3, "held up on its way: arrived 300 ms late")
                }
            }
        }
    }

    @Test func advancesAManualClockThroughTheControlAPI() async throws {
        let clock = ManualEmulatorClock()
        try await withServer(clock: clock) { running, http in
            let before = clock.now()
            let response = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: running.baseURL + "/_emulator/clock/advance",
                    body: Array(#"{"seconds":90}"#.utf8)))
            #expect(response.status == 200)
            #expect(clock.now().timeIntervalSince(before) == 90)
        }
        try await withServer { running, http in
            let response = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: running.baseURL + "/_emulator/clock/advance",
                    body: Array(#"{"seconds":1}"#.utf8)))
            #expect(response.status == 409)
        }
    }

    @Test func servesTheLiveFeedPage() async throws {
        try await withServer { running, http in
            let page = try await http.execute(HTTPClientRequest(url: running.baseURL + "/_emulator/"))
            #expect(page.status == 200)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.bodyText.contains("EventSource"))
            let unknown = try await http.execute(HTTPClientRequest(url: running.baseURL + "/_emulator/nothing"))
            #expect(unknown.status == 404)
        }
    }
}

@Suite("Emulator live feed")
struct LiveFeedTests {
    @Test func deliversAcceptedMessagesToWatchersOfThatStream() async throws {
        let driver = EmulatorDriver()
        driver.create("watched")
        driver.create("other")
        let events = driver.emulator.feed.watch(stream: "watched")
        driver.publish("other", #"{"skip":true}"#)
        driver.publish("watched", #"{"see":1}"#)
        var iterator = events.makeAsyncIterator()
        let first = try #require(await iterator.next())
        #expect(first.data == #"{"see":1}"#)
        let event = LiveFeed.serverSentEvent(first)
        #expect(event.hasPrefix("id: 1\nevent: message\ndata: {"))
        #expect(event.hasSuffix("\n\n"))
    }

    @Test func forgetsWatchersThatGoAway() {
        let emulator = SyncEmulator()
        do {
            let events = emulator.feed.watch(stream: nil)
            #expect(emulator.feed.watcherCount == 1)
            _ = events
        }
        #expect(emulator.feed.watcherCount == 0)
    }
}
