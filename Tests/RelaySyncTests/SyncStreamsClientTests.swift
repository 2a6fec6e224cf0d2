import Foundation
import RelayCore
import RelaySync
import SyncEmulator
import Testing

@Suite("Sync Streams client against the emulator", .timeLimit(.minutes(1)))
struct SyncStreamsClientTests {
    @Test func createsFetchesUpdatesAndDeletes() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            let created = try await client.createStream(uniqueName: "orders", ttl: 600)
            #expect(created.sid.hasPrefix("TO"))
            #expect(created.uniqueName == "orders")
            #expect(created.createdBy == "system")
            #expect(created.links?["messages"]?.hasSuffix("/Streams/\(created.sid)/Messages") == true)
            #expect(created.dateExpires != nil)

            #expect(try await client.fetchStream("orders") == created)
            #expect(try await client.fetchStream(created.sid).uniqueName == "orders")

            let updated = try await client.updateStream("orders", ttl: 0)
            #expect(updated.dateExpires == nil)

            try await client.deleteStream(created.sid)
            let error = await syncError { _ = try await client.fetchStream("orders") }
            #expect(error?.outcome == .notFound(twilioCode: 20404))
        }
    }

    @Test func addressesUniqueNamesWithReservedCharacters() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            let name = "orders/eu west?x=1&y=50%+ü"
            let created = try await client.createStream(uniqueName: name)
            #expect(created.uniqueName == name)
            #expect(try await client.fetchStream(name).sid == created.sid)
            _ = try await client.publish(try SyncMessageData(validating: "{}"), to: name)
            #expect(loopback.emulator.messages(stream: name).count == 1)
        }
    }

    @Test func createsAStreamWithoutAName() async throws {
        try await LoopbackEmulator.with { loopback in
            let stream = try await loopback.client().createStream()
            #expect(stream.uniqueName == nil)
            #expect(stream.dateExpires == nil)
        }
    }

    @Test func publishesAMessage() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            _ = try await client.createStream(uniqueName: "feed")
            let json = #"{"text":"héllo & goodbye=1+1","n":[1,2]}"#
            let message = try await client.publish(try SyncMessageData(validating: json), to: "feed")
            #expect(message.sid.hasPrefix("TZ"))
            #expect(message.dataJSON.contains("goodbye=1+1"))
            // The emulator received exactly the bytes sent.
            #expect(loopback.emulator.messages(stream: "feed").map(\.data) == [json])
        }
    }

    @Test func listsAcrossSeveralPages() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            for index in 0..<7 { _ = try await client.createStream(uniqueName: "s\(index)") }
            let first = try await client.listStreamsPage(pageSize: 3)
            #expect(first.streams.count == 3)
            #expect(first.meta.pageSize == 3)
            #expect(first.meta.nextPageURL != nil)
            var names: [String] = []
            for try await stream in client.streams(pageSize: 3) {
                names.append(stream.uniqueName ?? "?")
            }
            #expect(names == (0..<7).map { "s\($0)" })
            // Paging requests: one per page (3) after the first page above.
            #expect(loopback.emulator.stats().requests == 7 + 1 + 3)
        }
    }

    @Test func listsAnEmptyService() async throws {
        try await LoopbackEmulator.with { loopback in
            var count = 0
            for try await _ in loopback.client().streams() { count += 1 }
            #expect(count == 0)
        }
    }

    @Test func classifiesAlreadyExists() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            _ = try await client.createStream(uniqueName: "dup")
            let error = await syncError { _ = try await client.createStream(uniqueName: "dup") }
            #expect(error?.status == 409)
            #expect(error?.twilioCode == 54301)
            #expect(error?.outcome == .alreadyExists)
        }
    }

    @Test func classifiesNotFoundOnPublish() async throws {
        try await LoopbackEmulator.with { loopback in
            let error = await syncError {
                _ = try await loopback.client().publish(try SyncMessageData(validating: "{}"), to: "nowhere")
            }
            #expect(error?.outcome == .notFound(twilioCode: 20404))
            #expect(error?.twilioError?.moreInfo == "https://www.twilio.com/docs/errors/20404")
        }
    }

    @Test func classifiesThePerStreamRateLimit() async throws {
        try await LoopbackEmulator.with(rateLimit: .strict(), manualClock: true) { loopback in
            let client = loopback.client()
            _ = try await client.createStream(uniqueName: "fast")
            let data = try SyncMessageData(validating: #"{"n":1}"#)
            for _ in 0..<30 { _ = try await client.publish(data, to: "fast") }
            let error = await syncError { _ = try await client.publish(data, to: "fast") }
            #expect(error?.outcome == .rateLimited(scope: .stream, retryAfter: nil))
            loopback.clock?.advance(by: .seconds(1))
            _ = try await client.publish(data, to: "fast")
        }
    }

    @Test func classifiesTheAccountRateLimitWithRetryAfter() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(status: 429, code: 20429, retryAfter: 2, count: 1))
            let error = await syncError { _ = try await loopback.client().createStream() }
            #expect(error?.outcome == .rateLimited(scope: .account, retryAfter: .seconds(2)))
        }
    }

    @Test func classifiesTooLarge() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            _ = try await client.createStream(uniqueName: "big")
            loopback.emulator.injectFault(EmulatorFault(status: 400, code: 54006, count: 1))
            let error = await syncError {
                _ = try await client.publish(try SyncMessageData(validating: "{}"), to: "big")
            }
            #expect(error?.outcome == .tooLarge(twilioCode: 54006))
        }
    }

    @Test func classifiesInvalidRequests() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client()
            let badName = await syncError {
                _ = try await client.createStream(uniqueName: "TO" + String(repeating: "0", count: 32))
            }
            #expect(badName?.outcome == .invalid(status: 400, twilioCode: 54302))
            let badTTL = await syncError { _ = try await client.createStream(uniqueName: "t", ttl: 31_536_001) }
            #expect(badTTL?.outcome == .invalid(status: 400, twilioCode: 54011))
            _ = try await client.createStream(uniqueName: "arr")
            // `trustedJSON` skips the local object check, so the server's 54008 is what comes back.
            let notObject = await syncError {
                _ = try await client.publish(try SyncMessageData(trustedJSON: "[1]"), to: "arr")
            }
            #expect(notObject?.outcome == .invalid(status: 400, twilioCode: 54008))
        }
    }

    @Test func classifiesWrongCredentials() async throws {
        try await LoopbackEmulator.with { loopback in
            let client = loopback.client(credentials: .apiKey(sid: "SKwrong", secret: "super-secret-value"))
            let error = await syncError { _ = try await client.fetchStream("x") }
            #expect(error?.outcome == .unauthorized(status: 401, twilioCode: 20003))
            #expect(error?.description.contains("super-secret-value") == false)
        }
    }

    @Test func classifiesServerErrors() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(status: 503, code: 20503, count: 1))
            let error = await syncError { _ = try await loopback.client().createStream() }
            #expect(error?.outcome == .serverError(status: 503, twilioCode: 20503))
        }
    }

    @Test func classifiesTransportErrorsAndTimeouts() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(count: 1, dropConnection: true))
            let dropped = await syncError { _ = try await loopback.client().createStream() }
            guard case .transportError = dropped?.outcome else {
                Issue.record("expected a transport error, got \(String(describing: dropped))")
                return
            }
            loopback.emulator.injectFault(EmulatorFault(count: 1, latencyMs: 2000))
            let slow = await syncError { _ = try await loopback.client(timeout: .milliseconds(200)).createStream() }
            #expect(slow?.outcome == .timeout)
        }
        let http = try CurlHTTPClient()
        let client = SyncStreamsClient(
            http: http, credentials: .apiKey(sid: "SK1", secret: "s"), serviceSID: "IS1", baseURL: "http://127.0.0.1:9")
        let refused = await syncError { _ = try await client.fetchStream("x") }
        guard case .transportError = refused?.outcome else {
            Issue.record("expected a transport error, got \(String(describing: refused))")
            return
        }
        await http.shutdown()
    }

    @Test func refusesToFollowPageURLsToOtherHosts() async throws {
        let http = try CurlHTTPClient()
        let client = SyncStreamsClient(
            http: http, credentials: .apiKey(sid: "SK1", secret: "s"), serviceSID: "IS1", baseURL: "http://127.0.0.1:9")
        let error = await syncError {
            _ = try await client.streamsPage(at: "http://evil.example/v1/Services/IS1/Streams")
        }
        #expect(error?.code == .decoding)
        await http.shutdown()
    }
}
