import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator message rules")
struct EmulatorMessageRulesTests {
    @Test func acceptsAJSONObjectAndEchoesIt() throws {
        let driver = EmulatorDriver()
        driver.create("m")
        let reply = driver.publish("m", #"{"a":[1,2],"b":"x"}"#)
        #expect(reply.status == 201)
        #expect(reply.string("sid")?.hasPrefix("TZ") == true)
        let data = try #require(reply["data"] as? [String: Any])
        #expect(data["b"] as? String == "x")
    }

    @Test func requiresData() {
        let driver = EmulatorDriver()
        driver.create("m")
        let reply = driver.send("POST", "/Streams/m/Messages", form: [:])
        #expect(reply.status == 400)
        #expect(reply.code == 54251)
    }

    @Test func requiresAJSONObject() {
        let driver = EmulatorDriver()
        driver.create("m")
        #expect(driver.publish("m", "[1,2]").code == 54008)
        #expect(driver.publish("m", "\"text\"").code == 54008)
        #expect(driver.publish("m", "{broken").code == 54008)
    }

    @Test func limitsDataTo4096Bytes() {
        let driver = EmulatorDriver()
        driver.create("m")
        let exactly = #"{"p":""# + String(repeating: "é", count: (4096 - 8) / 2) + #""}"#
        #expect(exactly.utf8.count == 4096)
        #expect(driver.publish("m", exactly).status == 201)
        let over = #"{"p":""# + String(repeating: "a", count: 4089) + #""}"#
        #expect(over.utf8.count == 4097)
        #expect(driver.publish("m", over).code == 54006)
    }

    @Test func strictModeRejectsThe31stMessageInAnyOneSecondWindow() {
        let driver = EmulatorDriver(rateLimit: .strict())
        driver.create("r")
        // 30 messages spread over 0.29 s are fine; the 31st within the same second is not.
        for _ in 0..<30 {
            #expect(driver.publish("r").status == 201)
            driver.clock.advance(by: .milliseconds(10))
        }
        let rejected = driver.publish("r")
        #expect(rejected.status == 429)
        #expect(rejected.code == 54009)
        // The window slides: 1 s after the first message, exactly one slot frees up.
        driver.clock.advance(by: .milliseconds(700))  // now = 1.0 s after the first message
        #expect(driver.publish("r").status == 201)
        #expect(driver.publish("r").status == 429)
        driver.clock.advance(by: .milliseconds(10))
        #expect(driver.publish("r").status == 201)
    }

    @Test func strictModeIsPerStream() {
        let driver = EmulatorDriver(rateLimit: .strict())
        driver.create("a")
        driver.create("b")
        for _ in 0..<30 { #expect(driver.publish("a").status == 201) }
        #expect(driver.publish("a").status == 429)
        #expect(driver.publish("b").status == 201)
    }

    @Test func burstModeAllowsABurstThenRefillsAtTheRate() {
        let driver = EmulatorDriver(rateLimit: .burst(perSecond: 30, burst: 45))
        driver.create("b")
        for _ in 0..<45 { #expect(driver.publish("b").status == 201) }
        #expect(driver.publish("b").code == 54009)
        driver.clock.advance(by: .milliseconds(110))  // 3.3 tokens
        for _ in 0..<3 { #expect(driver.publish("b").status == 201) }
        #expect(driver.publish("b").status == 429)
        // Sustained: one message every 1/30 s is always accepted.
        for _ in 0..<60 {
            driver.clock.advance(by: .microseconds(33_334))
            #expect(driver.publish("b").status == 201)
        }
    }

    @Test func rejectedMessagesDoNotUseTheBudget() {
        let driver = EmulatorDriver(rateLimit: .strict(perSecond: 2))
        driver.create("x")
        #expect(driver.publish("x").status == 201)
        #expect(driver.publish("x", "[]").status == 400)
        #expect(driver.publish("x").status == 201)
        #expect(driver.publish("x").status == 429)
    }
}
