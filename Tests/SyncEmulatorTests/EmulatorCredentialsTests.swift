import Foundation
import RelaySync
import Testing

@testable import SyncEmulator

/// Replacing the accepted credentials while the emulator runs, as Twilio does when a key is created or deleted.
@Suite("Emulator credentials", .timeLimit(.minutes(1)))
struct EmulatorCredentialsTests {
    static let account = SyncEmulatorConfiguration.defaultAccountSID
    static let newKey = SyncEmulatorConfiguration.Credential(
        username: "SK" + String(repeating: "a", count: 32), password: "new-secret")

    static func basic(_ username: String, _ password: String) -> String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    @Test func acceptsOnlyTheReplacedCredentialsAndKeepsThemAcrossAReset() {
        var driver = EmulatorDriver()
        #expect(driver.emulator.credentials == [.init(username: Self.account, password: "emulator-token")])
        #expect(driver.create("before").status == 201)
        driver.emulator.replaceCredentials([
            .init(username: Self.account, password: "emulator-token"), Self.newKey,
        ])
        #expect(driver.publish("before").status == 201, "the old secret works while both are listed")
        driver.emulator.replaceCredentials([Self.newKey])
        let refused = driver.publish("before")
        #expect(refused.status == 401)
        #expect(refused.code == 20003)
        driver.authorization = Self.basic(Self.newKey.username, "new-secret")
        #expect(driver.publish("before").status == 201)
        driver.authorization = Self.basic(Self.newKey.username, "wrong")
        #expect(driver.publish("before").status == 401)
        driver.emulator.reset()
        #expect(driver.emulator.credentials == [Self.newKey])
        #expect(driver.emulator.configuration.credentials.map(\.password) == ["emulator-token"])
    }

    @Test func theControlAPIReplacesAndListsThemWithoutPasswords() async throws {
        let emulator = SyncEmulator()
        let http = try CurlHTTPClient()
        try await SyncEmulatorServer.withRunning(emulator) { running in
            let base = running.baseURL
            let streams = "\(base)/v1/Services/\(SyncEmulatorConfiguration.defaultServiceSID)/Streams"
            func list(_ authorization: String) async throws -> Int {
                try await http.execute(
                    HTTPClientRequest(url: streams, headers: [("Authorization", authorization)])
                ).status
            }
            let old = Self.basic(Self.account, "emulator-token")
            let new = Self.basic(Self.newKey.username, "new-secret")
            #expect(try await list(old) == 200)
            #expect(try await list(new) == 401)

            let body = #"{"credentials":[{"username":"\#(Self.newKey.username)","password":"new-secret"}]}"#
            let replaced = try await http.execute(
                HTTPClientRequest(method: .put, url: base + "/_emulator/credentials", body: Array(body.utf8)))
            #expect(replaced.status == 200)
            #expect(!replaced.bodyText.contains("new-secret"))
            #expect(emulator.credentials == [Self.newKey])
            #expect(try await list(old) == 401)
            #expect(try await list(new) == 200)

            let listed = try await http.execute(HTTPClientRequest(url: base + "/_emulator/credentials"))
            let object = try JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any]
            #expect((object?["credentials"] as? [[String: String]]) == [["username": Self.newKey.username]])
            #expect(!listed.bodyText.contains("new-secret"))

            for bad in [
                "nope", #"{"credentials":[{"username":"SK1"}]}"#, #"{"credentials":[{"username":"","password":"p"}]}"#,
            ] {
                let refused = try await http.execute(
                    HTTPClientRequest(method: .put, url: base + "/_emulator/credentials", body: Array(bad.utf8)))
                #expect(refused.status == 400, "\(bad)")
            }
            #expect(emulator.credentials == [Self.newKey], "a refused body changes nothing")
        }
        await http.shutdown()
    }
}
