import Foundation
import RelaySync
import RelayTimers
import SyncEmulator
import Testing

@Suite("sync-relay emulator", .timeLimit(.minutes(1)))
struct EmulatorCommandTests {
    static let form = [
        (
            name: "Authorization",
            value: "Basic "
                + Data("\(SyncEmulatorConfiguration.defaultAccountSID):emulator-token".utf8).base64EncodedString()
        ),
        (name: "Content-Type", value: "application/x-www-form-urlencoded"),
    ]

    /// Starts the emulator on a free port with a manual clock (so every write falls in one instant) and `options`;
    /// runs `body` with its Documents URL, then stops it with SIGTERM.
    func withEmulator(_ options: [String], _ body: (String, CurlHTTPClient) async throws -> Void) async throws {
        let child = try CommandRunner.start(["emulator", "--listen", "127.0.0.1:0", "--clock", "manual"] + options)
        let prefix = "Sync emulator listening on "
        var base: String?
        let deadline = ContinuousClock.now + .seconds(20)
        while base == nil, ContinuousClock.now < deadline {
            base = child.standardOutput.split(separator: "\n").first { $0.hasPrefix(prefix) }.map {
                String($0.dropFirst(prefix.count))
            }
            if base == nil { try await Timers.sleep(for: .milliseconds(20)) }
        }
        let http = try CurlHTTPClient()
        if let base {
            try await body(base + "/v1/Services/default/Documents", http)
        } else {
            Issue.record("no banner: \(child.standardOutput) \(child.standardError)")
        }
        await http.shutdown()
        kill(child.process.processIdentifier, SIGTERM)
        #expect(await child.exit().status == 0)
    }

    /// Creates Document `d` and writes it until a write is refused; the statuses.
    func writeUntilRefused(_ documents: String, _ http: CurlHTTPClient, most: Int = 30) async throws -> [Int] {
        var statuses: [Int] = []
        let created = try await http.execute(
            HTTPClientRequest(method: .post, url: documents, headers: Self.form, body: Array("UniqueName=d".utf8)))
        statuses.append(created.status)
        while statuses.count < most, statuses.last != 429 {
            let update = try await http.execute(
                HTTPClientRequest(
                    method: .post, url: documents + "/d", headers: Self.form, body: Array("Data=%7B%7D".utf8)))
            statuses.append(update.status)
        }
        return statuses
    }

    @Test func strictLimitsEachDocumentToItsWritesPerSecond() async throws {
        try await withEmulator(["--object-limit", "strict", "--object-writes-per-second", "3"]) { documents, http in
            let statuses = try await writeUntilRefused(documents, http)
            #expect(statuses == [201, 200, 200, 429])
        }
    }

    @Test func windowedGivesTheWholeWindowsBudgetAtOnce() async throws {
        let options = ["--object-limit", "windowed", "--object-writes-per-second", "2", "--object-window", "3"]
        try await withEmulator(options) { documents, http in
            let statuses = try await writeUntilRefused(documents, http)
            #expect(statuses == [201, 200, 200, 200, 200, 200, 429])
        }
    }

    @Test func offAcceptsEveryWrite() async throws {
        try await withEmulator(["--object-limit", "off"]) { documents, http in
            let statuses = try await writeUntilRefused(documents, http, most: 40)
            #expect(statuses.count == 40 && statuses.allSatisfy { $0 != 429 })
        }
    }

    @Test func phantomRequestsOfOtherClientsFillTheAccountsConcurrencyLimit() async throws {
        let options = ["--account-concurrency-limit", "3", "--phantom-concurrent-requests", "3", "--latency-ms", "1"]
        try await withEmulator(options) { documents, http in
            let refused = try await http.execute(
                HTTPClientRequest(method: .post, url: documents, headers: Self.form, body: Array("UniqueName=d".utf8)))
            #expect(refused.status == 429)
            #expect(refused.header("Twilio-Concurrent-Requests") == "4")
            #expect(TwilioErrorBody.decode(refused.body)?.code == 20429)
        }
        try await withEmulator(["--phantom-concurrent-requests", "2"]) { documents, http in
            let created = try await http.execute(
                HTTPClientRequest(method: .post, url: documents, headers: Self.form, body: Array("UniqueName=d".utf8)))
            #expect(created.status == 201)
            #expect(created.header("Twilio-Concurrent-Requests") == "3")
        }
    }

    @Test func helpDocumentsTheObjectLimitAndBadRatesAreRefused() async throws {
        let help = try await CommandRunner.run(["emulator", "--help"])
        #expect(help.status == 0)
        for option in ["--object-limit", "--object-writes-per-second", "--object-window", "1024"] {
            #expect(help.standardOutput.contains(option), "\(option)")
        }
        let refused = try await CommandRunner.run(["emulator", "--object-writes-per-second", "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("--object-writes-per-second"))
    }
}
