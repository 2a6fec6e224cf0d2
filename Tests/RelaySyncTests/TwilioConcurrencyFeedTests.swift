import Foundation
import Synchronization
import Testing

@testable import RelayCore
@testable import RelaySync
@testable import SyncEmulator

/// `Twilio-Concurrent-Requests`: parsed from every Sync response, junk ignored, handed over before the answer.
@Suite("Twilio-Concurrent-Requests", .timeLimit(.minutes(1)))
struct TwilioConcurrencyFeedTests {
    @Test func parsesDecimalCountsAndIgnoresJunk() {
        #expect(TwilioConcurrencyFeed.parse("17") == 17)
        #expect(TwilioConcurrencyFeed.parse(" 0\t") == 0)
        #expect(TwilioConcurrencyFeed.parse("000123") == 123)
        for junk in [nil, "", " ", "-3", "+3", "1.5", "12a", "1 2", "0x10", "١٢", "1234567890"] {
            #expect(TwilioConcurrencyFeed.parse(junk) == nil, "\(junk ?? "nil")")
        }
    }

    @Test func classifiesTheAnswerThatCarriedIt() {
        func observation(_ status: Int, _ body: String = "", header: String? = "9") -> TwilioConcurrencyObservation? {
            TwilioConcurrencyFeed.observation(
                in: HTTPClientResponse(
                    status: status, headers: header.map { ["twilio-concurrent-requests": $0] } ?? [:],
                    body: Array(body.utf8)))
        }
        #expect(observation(201) == TwilioConcurrencyObservation(concurrentRequests: 9, answer: .accepted))
        #expect(observation(429, #"{"code": 20429, "message": "Too many"}"#)?.answer == .refusedForConcurrency)
        #expect(observation(429, #"{"code": 54009, "message": "Rate"}"#)?.answer == .other)
        #expect(observation(503)?.answer == .other)
        #expect(observation(201, header: nil) == nil)
        #expect(observation(201, header: "many") == nil)
        // A creation's 20429 is the account's creation rate: it says nothing of the concurrency limit.
        let creation = TwilioConcurrencyFeed.observation(
            in: HTTPClientResponse(
                status: 429, headers: ["twilio-concurrent-requests": "3"],
                body: Array(#"{"code": 20429, "message": "Too many"}"#.utf8)),
            teachesLimit: false)
        #expect(creation == TwilioConcurrencyObservation(concurrentRequests: 3, answer: .other))
    }

    @Test func everyResponseOfThePublisherAndTheClientIsObservedBeforeItsAnswer() async throws {
        var configuration = SyncEmulatorConfiguration()
        configuration.phantomConcurrentRequests = 5
        let emulator = SyncEmulator(configuration: configuration)
        let http = try CurlHTTPClient()
        let log = Mutex<[String]>([])
        try await SyncEmulatorServer.withRunning(emulator) { running in
            let feed = TwilioConcurrencyFeed()
            feed.subscribe { observation in
                log.withLock { $0.append("seen \(observation.concurrentRequests) \(observation.answer)") }
            }
            let client = SyncStreamsClient(
                http: http,
                credentials: .authToken(
                    accountSID: SyncEmulatorConfiguration.defaultAccountSID,
                    authToken: SyncEmulatorConfiguration.defaultAuthToken),
                serviceSID: SyncEmulatorConfiguration.defaultServiceSID, baseURL: running.baseURL,
                concurrencyFeed: feed)
            _ = try await client.listStreamsPage(pageSize: 1)  // the probe's request
            let publisher = SyncStreamPublisher(client: client)
            let outcomes = Mutex<[PublishOutcome]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                publisher.createStream("orders", ttl: .zero) { outcome in
                    log.withLock { $0.append("answered") }
                    outcomes.withLock { $0.append(outcome) }
                    done.resume()
                }
            }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                publisher.publish(
                    PublishRequest(
                        stream: "missing", label: "missing", sequence: 1, data: Array(#"{"n":1}"#.utf8), recordCount: 1,
                        attempt: 1, pacerWait: .zero)
                ) { outcome in
                    log.withLock { $0.append("answered") }
                    outcomes.withLock { $0.append(outcome) }
                    done.resume()
                }
            }
            #expect(outcomes.withLock { $0 } == [.accepted, .notFound(twilioCode: 20404)])
        }
        await http.shutdown()
        #expect(
            log.withLock { $0 } == [
                "seen 6 accepted", "seen 6 accepted", "answered", "seen 6 other", "answered",
            ], "5 phantom requests and the request itself; each observation before its answer")
    }
}
