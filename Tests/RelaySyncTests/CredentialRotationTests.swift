import Foundation
import RelayCore
import SyncEmulator
import Testing

@testable import RelaySync

/// Credentials replaced while a client runs (`CredentialHolder`), as a reload that rotates a secret replaces them:
/// requests built afterwards carry the new header, against the emulator and the registry emulator over loopback HTTP.
@Suite("Credential rotation", .timeLimit(.minutes(1)))
struct CredentialRotationTests {
    static let oldKey = TwilioCredentials.apiKey(sid: "SK" + String(repeating: "1", count: 32), secret: "old-secret")
    static let newKey = TwilioCredentials.apiKey(sid: "SK" + String(repeating: "2", count: 32), secret: "new-secret")

    static func accepted(_ credentials: TwilioCredentials) -> SyncEmulatorConfiguration.Credential {
        SyncEmulatorConfiguration.Credential(username: credentials.username, password: credentials.password)
    }

    @Test func theHolderReplacesTheHeaderAndNeverShowsIt() {
        let holder = CredentialHolder(Self.oldKey)
        #expect(holder.authorization == Self.oldKey.authorizationHeader)
        #expect(
            holder.authorization == "Basic " + Data("\(Self.oldKey.username):old-secret".utf8).base64EncodedString())
        holder.replace(with: Self.newKey)
        #expect(holder.authorization == Self.newKey.authorizationHeader)
        #expect(!holder.description.contains("new-secret"))
        #expect(!holder.description.contains(holder.authorization ?? "?"))
        holder.replace(authorization: nil)
        #expect(holder.authorization == nil)
        #expect(holder.description == "CredentialHolder(none)")
    }

    @Test func aRequestBuiltAfterTheSwapCarriesTheNewSecretAndOneBuiltBeforeKeepsTheOld() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.replaceCredentials([Self.accepted(Self.oldKey)])
            let holder = CredentialHolder(Self.oldKey)
            let client = SyncStreamsClient(
                http: loopback.http, credentials: holder, serviceSID: SyncEmulatorConfiguration.defaultServiceSID,
                baseURL: loopback.running.baseURL)
            _ = try await client.createStream(uniqueName: "rotating")
            _ = try await client.publish(try SyncMessageData(validating: #"{"n":1}"#), to: "rotating")

            // Twilio now knows both keys; a request built before the swap is in flight with the old one.
            loopback.emulator.replaceCredentials([Self.accepted(Self.oldKey), Self.accepted(Self.newKey)])
            let built = client.messageRequest(Array(#"{"n":2}"#.utf8), to: "rotating")
            holder.replace(with: Self.newKey)
            #expect(Self.authorization(of: built) == Self.oldKey.authorizationHeader)
            let after = client.messageRequest(Array(#"{"n":3}"#.utf8), to: "rotating")
            #expect(Self.authorization(of: after) == Self.newKey.authorizationHeader)
            #expect(try await loopback.http.execute(built).status == 201, "the old key still works until deleted")
            #expect(try await loopback.http.execute(after).status == 201)

            // The old key is deleted: only what carries the new one is accepted.
            loopback.emulator.replaceCredentials([Self.accepted(Self.newKey)])
            #expect(try await loopback.http.execute(built).status == 401)
            _ = try await client.publish(try SyncMessageData(validating: #"{"n":4}"#), to: "rotating")
            #expect(loopback.emulator.messages(stream: "rotating").map(\.data).last == #"{"n":4}"#)
        }
    }

    @Test func aRefusedSecretIsUnauthorizedUntilTheNewOneIsHeld() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.replaceCredentials([Self.accepted(Self.newKey)])
            let holder = CredentialHolder(Self.oldKey)
            let client = SyncStreamsClient(
                http: loopback.http, credentials: holder, serviceSID: SyncEmulatorConfiguration.defaultServiceSID,
                baseURL: loopback.running.baseURL)
            let refused = await syncError { _ = try await client.createStream(uniqueName: "late") }
            #expect(refused?.outcome == .unauthorized(status: 401, twilioCode: 20003))
            holder.replace(with: Self.newKey)
            let created = try await client.createStream(uniqueName: "late")
            #expect(created.uniqueName == "late")
        }
    }

    @Test func theRegistryClientTakesARotatedPasswordOrToken() async throws {
        let registry = RegistryEmulator(credentials: ("relay", "new-password"))
        try await RegistryEmulatorServer(registry: registry).withRunning { url in
            let http = try CurlHTTPClient()
            var configuration = SchemaRegistryConfiguration(url: url, timeout: .seconds(5))
            configuration.username = "relay"
            configuration.password = SecretText("old-password")
            let client = SchemaRegistryClient(configuration: configuration, http: http)
            let id = UInt32(registry.register(subject: "a-value", text: #""string""#))
            do throws(SchemaRegistryClient.FetchError) {
                _ = try await client.document(id: id)
                Issue.record("the old password was accepted")
            } catch {
                guard case .unavailable(let reason) = error else {
                    Issue.record("a refused password is not unavailable: \(error)")
                    return
                }
                #expect(reason.contains("credentials"))
            }
            configuration.password = SecretText("new-password")
            client.credentials.replace(authorization: SchemaRegistryClient.authorization(for: configuration))
            #expect(try await client.document(id: id).text == #""string""#)

            var bearer = SchemaRegistryConfiguration(url: url)
            bearer.token = SecretText("t0k3n")
            #expect(SchemaRegistryClient.authorization(for: bearer) == "Bearer t0k3n")
            #expect(SchemaRegistryClient.authorization(for: SchemaRegistryConfiguration(url: url)) == nil)
            await http.shutdown()
        }
    }

    static func authorization(of request: HTTPClientRequest) -> String? {
        request.headers.first { $0.name == "Authorization" }?.value
    }
}
