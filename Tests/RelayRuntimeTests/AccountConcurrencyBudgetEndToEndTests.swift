import Foundation
import RelayCore
import RelayTestSupport
import SyncEmulator
import Testing

@testable import RelayRuntime

/// Twilio's account concurrency over real HTTP: the emulator counts the account's requests in flight (other
/// clients' phantom ones included), answers each with `Twilio-Concurrent-Requests` and refuses past its limit with
/// 20429; the relay keeps its own requests within what the account's limit and the other clients leave.
@Suite("Account concurrency budget end to end", .timeLimit(.minutes(3)))
struct AccountConcurrencyBudgetEndToEndTests {
    static let partitions = 20
    static let streams = (0..<partitions).map { "busy-\($0)" }

    /// An emulator whose account allows `limit` requests at once, `phantom` of them always taken by other clients,
    /// and whose every answer takes 50 ms (so requests stay in flight).
    static func emulator(limit: Int, phantom: Int) -> SyncEmulator {
        var configuration = SyncEmulatorConfiguration()
        configuration.accountConcurrencyLimit = limit
        configuration.phantomConcurrentRequests = phantom
        let emulator = SyncEmulator(configuration: configuration)
        emulator.injectFault(EmulatorFault(latencyMs: 50, delaysTheAnswer: true))
        return emulator
    }

    /// A relay allowed far more requests than the account has room for (64 on 64 connections), one stream per
    /// partition, one record per message.
    static func configuration(_ harness: RelayHarness, accountLimit: Int?) throws -> RelayConfiguration {
        var twilio: [JSONMember] = [JSONMember("maxConcurrentRequests", 64), JSONMember("maxConnections", 64)]
        if let accountLimit { twilio.append(JSONMember("accountConcurrencyLimit", .number("\(accountLimit)"))) }
        return try harness.configuration(
            topics: ["busy"],
            defaults: [
                JSONMember("stream", "{topic}-{partition}"), JSONMember("maxMessageBytes", 512),
                JSONMember(
                    "retry", .object([JSONMember("initialBackoff", "50ms"), JSONMember("maxBackoff", "200ms")])),
            ],
            twilio: twilio)
    }

    static func produceBacklog(_ harness: RelayHarness, start: Int, count: Int) async throws {
        for partition in 0..<partitions {
            try await harness.produce("busy", count: count, start: start, padding: 400, partition: Int32(partition))
        }
    }

    static func allDelivered(_ harness: RelayHarness, upTo end: Int) -> Bool {
        streams.allSatisfy { Set(harness.deliveredNumbers($0)).isSuperset(of: 0..<end) }
    }

    @Test func aConfiguredAccountLimitKeepsTheRelayUnderItBesideOtherClients() async throws {
        let emulator = Self.emulator(limit: 40, phantom: 15)
        try await RelayHarness.with(topics: [("busy", Self.partitions)], emulator: emulator) { harness in
            let configuration = try Self.configuration(harness, accountLimit: 40)
            try await harness.runRelay(configuration) { application in
                try await Self.produceBacklog(harness, start: 0, count: 60)
                await eventually("every record arrived", timeout: .seconds(120)) {
                    Self.allDelivered(harness, upTo: 60)
                }
                let budget = application.pipeline.accountBudget
                #expect(budget.accountLimit == 40)
                #expect(budget.others >= 15, "the other clients' 15 requests were seen")
                #expect(budget.inFlightLimit <= 40 - 15 - 2)
            }
            #expect(emulator.stats().rejections[20429, default: 0] == 0)
        }
    }

    @Test func withoutAConfiguredLimitTheRelayLearnsItFromTheFirst20429s() async throws {
        let emulator = Self.emulator(limit: 20, phantom: 6)
        try await RelayHarness.with(topics: [("busy", Self.partitions)], emulator: emulator) { harness in
            let configuration = try Self.configuration(harness, accountLimit: nil)
            try await harness.runRelay(configuration) { application in
                try await Self.produceBacklog(harness, start: 0, count: 40)
                await eventually("every record arrived despite the first refusals", timeout: .seconds(120)) {
                    Self.allDelivered(harness, upTo: 40)
                }
                let learned = emulator.stats().rejections[20429, default: 0]
                #expect(learned > 0, "the relay sent more than the account allows until a 20429 taught it")
                #expect(learned <= 64, "one wave: no more than the relay had in flight")
                #expect(application.pipeline.accountBudget.accountLimit != nil)
                try await Self.produceBacklog(harness, start: 40, count: 40)
                await eventually("the next backlog arrived", timeout: .seconds(120)) {
                    Self.allDelivered(harness, upTo: 80)
                }
                #expect(emulator.stats().rejections[20429, default: 0] == learned, "no 20429 once learned")
            }
        }
    }
}
