import RelaySync
import Testing

@Suite("Credential resolution")
struct TwilioCredentialResolverTests {
    @Test func firstCompleteSourceWins() throws {
        let flags = TwilioCredentialFields(apiKey: "SKflag", apiSecret: "flag-secret")
        let environment = TwilioCredentialFields.environment([
            "TWILIO_ACCOUNT_SID": "ACenv", "TWILIO_AUTH_TOKEN": "env-token", "TWILIO_SYNC_SERVICE_SID": "ISenv",
        ])
        let resolved = try TwilioCredentialResolver.resolve([flags, environment])
        #expect(resolved.credentials == .apiKey(sid: "SKflag", secret: "flag-secret"))
        #expect(resolved.serviceSID == "ISenv")
        #expect(try TwilioCredentialResolver.resolve([environment]).credentials.username == "ACenv")
    }

    @Test func prefersAnAPIKeyOverAnAuthTokenInOneSource() throws {
        let source = TwilioCredentialFields(
            accountSID: "AC1", authToken: "t", apiKey: "SK1", apiSecret: "s", serviceSID: "IS1")
        #expect(try TwilioCredentialResolver.resolve([source]).credentials.username == "SK1")
    }

    @Test func explainsWhatIsMissingWithoutSecrets() {
        #expect(throws: SyncError.self) { try TwilioCredentialResolver.resolve([TwilioCredentialFields()]) }
        do {
            _ = try TwilioCredentialResolver.resolve([TwilioCredentialFields(apiKey: "SK1")])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .credentials)
        }
        do {
            _ = try TwilioCredentialResolver.resolve([TwilioCredentialFields(accountSID: "AC1", authToken: "hunter2")])
            Issue.record("expected an error")
        } catch {
            #expect(error.reason.contains("service SID"))
            #expect(!error.reason.contains("hunter2"))
        }
    }

    @Test func redactsSecretsInDescriptions() {
        let credentials = TwilioCredentials.authToken(accountSID: "AC1", authToken: "hunter2")
        #expect(!"\(credentials)".contains("hunter2"))
    }
}
