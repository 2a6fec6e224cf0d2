import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator control and faults")
struct EmulatorControlTests {
    @Test func readsBackAcceptedMessagesWithArrivalTimes() {
        let driver = EmulatorDriver()
        driver.create("log")
        driver.publish("log", #"{"n":1}"#)
        driver.clock.advance(by: .milliseconds(250))
        driver.publish("log", #"{"n":2}"#)
        driver.publish("log", "[]")
        let messages = driver.emulator.messages(stream: "log")
        #expect(messages.map(\.data) == [#"{"n":1}"#, #"{"n":2}"#])
        #expect(messages.map(\.sequence) == [1, 2])
        #expect(messages[1].arrivedAt.timeIntervalSince(messages[0].arrivedAt) == 0.25)
        // Still readable by name after the stream is deleted.
        driver.send("DELETE", "/Streams/log")
        #expect(driver.emulator.messages(stream: "log").count == 2)
    }

    @Test func countsRejectionsByCode() {
        let driver = EmulatorDriver(rateLimit: .strict(perSecond: 1))
        driver.create("c")
        driver.publish("c")
        driver.publish("c")
        driver.publish("c", "[]")
        driver.send("GET", "/Streams/none")
        let stats = driver.emulator.stats()
        #expect(stats.rejections == [54009: 1, 54008: 1, 20404: 1])
        #expect(stats.accepted == 1)
        #expect(stats.streams == 1)
        #expect(stats.requests == 5)
    }

    @Test func resetForgetsEverything() {
        let driver = EmulatorDriver()
        driver.create("gone")
        driver.publish("gone")
        driver.emulator.injectFault(EmulatorFault(status: 500))
        driver.emulator.reset()
        #expect(driver.emulator.stats() == EmulatorStats(requests: 0, accepted: 0, rejections: [:], streams: 0))
        #expect(driver.emulator.faults().isEmpty)
        #expect(driver.emulator.messages(stream: "gone").isEmpty)
    }

    @Test func injectsAStatusForTheNextNRequests() {
        let driver = EmulatorDriver()
        driver.create("f")
        driver.emulator.injectFault(EmulatorFault(status: 503, code: 20503, count: 2))
        #expect(driver.publish("f").status == 503)
        #expect(driver.publish("f").code == 20503)
        #expect(driver.publish("f").status == 201)
        #expect(driver.emulator.faults().isEmpty)
        #expect(driver.emulator.stats().rejections[20503] == 2)
    }

    @Test func injectsAFractionDeterministically() {
        let driver = EmulatorDriver(rateLimit: .unlimited)
        driver.create("f")
        driver.emulator.injectFault(EmulatorFault(status: 500, fraction: 0.25))
        let statuses = (0..<8).map { _ in driver.publish("f").status }
        #expect(statuses == [201, 201, 201, 500, 201, 201, 201, 500])
    }

    @Test func injectsPerStream() {
        let driver = EmulatorDriver()
        driver.create("hit")
        driver.create("miss")
        driver.emulator.injectFault(
            EmulatorFault(status: 429, code: 20429, retryAfter: 3, count: 1, stream: "hit"))
        #expect(driver.publish("miss").status == 201)
        let limited = driver.publish("hit")
        #expect(limited.status == 429)
        #expect(limited.code == 20429)
        #expect(limited.retryAfter == 3)
        #expect(driver.publish("hit").status == 201)
    }

    @Test func decodesFaultsFromControlJSON() throws {
        let json = #"{"status":503,"count":3,"stream":"s","latency_ms":20,"drop_connection":false,"retry_after":2}"#
        let fault = try JSONDecoder().decode(EmulatorFault.self, from: Data(json.utf8))
        #expect(
            fault
                == EmulatorFault(
                    status: 503, retryAfter: 2, count: 3, stream: "s", latencyMs: 20, dropConnection: false))
        let jittered = try JSONDecoder().decode(
            EmulatorFault.self, from: Data(#"{"latency_ms":150,"jitter_ms":30,"delay_answer":true}"#.utf8))
        #expect(jittered == EmulatorFault(latencyMs: 150, jitterMs: 30, delaysTheAnswer: true))
    }

    /// A jittered latency is drawn per request within latency ± jitter, spread over the range, and spent before
    /// the request is handled (it then arrives late) unless the fault delays the answer instead.
    @Test func jitteredLatencyIsDrawnPerRequestWithinItsRange() {
        let driver = EmulatorDriver()
        driver.create("j")
        driver.emulator.injectFault(EmulatorFault(count: 400, latencyMs: 150, jitterMs: 30))
        let request = EmulatorRequest(
            method: "GET", path: "/v1/Services/\(driver.service)/Streams/j", query: [:], form: [:],
            authorization: driver.authorization, baseURL: driver.base)
        let drawn = (0..<200).compactMap { _ in driver.emulator.decideFaults(for: request).latency }
        #expect(drawn.count == 200)
        #expect(drawn.allSatisfy { (.milliseconds(120) ... .milliseconds(180)).contains($0) })
        #expect(drawn.min()! < .milliseconds(130) && drawn.max()! > .milliseconds(170), "spread over the range")
        driver.emulator.clearFaults()
        driver.emulator.injectFault(EmulatorFault(latencyMs: 150, jitterMs: 30, delaysTheAnswer: true))
        let answer = driver.emulator.decideFaults(for: request)
        #expect(answer.latency == nil && answer.answerLatency != nil, "spent after the request was handled")
    }
}
