import Foundation
import RelayCore
import RelayTestSupport
import SyncEmulator
import Testing

@testable import RelayRuntime

/// 429 with code 20429 (the account as a whole sends too much) lowers a cap on publishes in flight across all
/// streams; successes raise it again and lift it; nothing is lost meanwhile.
@Suite("Account-wide 20429 end to end")
struct AccountConcurrencyEndToEndTests {
    @Test func a20429WaveLowersTheAccountCapThenItRecoversAndNothingIsLost() async throws {
        let topics = ["a1", "a2", "a3", "a4"]
        try await RelayHarness.with(topics: topics.map { ($0, 1) }) { harness in
            let configuration = try harness.configuration(
                topics: topics,
                defaults: [
                    JSONMember("maxMessageBytes", 512),
                    JSONMember(
                        "retry", .object([JSONMember("initialBackoff", "50ms"), JSONMember("maxBackoff", "200ms")])),
                ]
            )
            let emulator = harness.emulator.emulator
            try await harness.runRelay(configuration) { application in
                for topic in topics { try await harness.produce(topic, count: 5, padding: 400, partition: 0) }
                await eventually("the first records arrived") {
                    topics.allSatisfy { harness.deliveredNumbers($0).count >= 5 }
                }
                #expect(application.pipeline.accountConcurrency.limit == nil)

                _ = emulator.injectFault(EmulatorFault(status: 429, code: 20429, retryAfter: nil, count: 6))
                for topic in topics {
                    try await harness.produce(topic, count: 30, start: 5, padding: 400, partition: 0)
                }
                await eventually("the account cap was lowered") {
                    application.pipeline.accountConcurrency.lowerings >= 1
                }
                await eventually("every record arrived despite the refusals", timeout: .seconds(60)) {
                    topics.allSatisfy { Set(harness.deliveredNumbers($0)) == Set(0..<35) }
                }
                // Successes after the wave raise the cap one step a second until it is lifted.
                for topic in topics {
                    try await harness.produce(topic, count: 200, start: 35, padding: 400, partition: 0)
                }
                await eventually("the cap was lifted again", timeout: .seconds(60)) {
                    application.pipeline.accountConcurrency.limit == nil
                }
                await eventually("the later records arrived", timeout: .seconds(60)) {
                    topics.allSatisfy { Set(harness.deliveredNumbers($0)) == Set(0..<235) }
                }
            }
            #expect(emulator.stats().rejections[20429] == 6)
        }
    }
}
