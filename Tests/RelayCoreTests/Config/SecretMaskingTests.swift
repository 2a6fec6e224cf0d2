import Foundation
import RelayCore
import Testing

@Suite("Secrets are never shown")
struct SecretMaskingTests {
    static let token = "tok-7f3a9c-SECRET"
    static let apiSecret = "api-4b2e-SECRET"
    static let kafkaPassword = "kafka-pw-SECRET"

    @Test func summaryAndDescriptionsMaskSecrets() throws {
        let document =
            minimalConfiguration
            .setting(["twilio", "authToken"], to: "${TOKEN}")
            .setting(
                ["kafka", "properties"],
                to: .object([
                    JSONMember("security.protocol", "sasl_ssl"), JSONMember("sasl.mechanisms", "PLAIN"),
                    JSONMember("sasl.username", "relay"),
                    JSONMember("sasl.password", .string(Self.kafkaPassword)),
                    JSONMember("ssl.certificate.pem", "-----BEGIN CERTIFICATE-----"),
                    JSONMember("ssl.key.pem", .string(Self.kafkaPassword)),
                    JSONMember("ssl.key.password", .string(Self.kafkaPassword)),
                ]))
        let configuration = try loadConfiguration(document, environment: ["TOKEN": Self.token]).get()
        var outputs = ConfigurationSummary.lines(configuration, source: "c.json")
        outputs.append(String(describing: configuration))
        outputs.append(String(reflecting: configuration))
        var dumped = ""
        dump(configuration, to: &dumped)
        outputs.append(dumped)
        let all = outputs.joined(separator: "\n")
        #expect(!all.contains(Self.token))
        #expect(!all.contains(Self.kafkaPassword))
        #expect(all.contains(SecretText.mask))
        #expect(configuration.twilio.auth == .authToken(SecretText(Self.token)))
    }

    @Test func problemsNeverQuoteSecrets() {
        // A secret in a field with other problems, and a secret that breaks a rule itself.
        let document =
            minimalConfiguration
            .setting(["twilio", "authToken"], to: .string(Self.token))
            .setting(["twilio", "apiKeySid"], to: "SK0123456789abcdef0123456789abcdef")
            .setting(["twilio", "apiKeySecret"], to: .string(Self.apiSecret))
            .setting(["defaults", "rate"], to: 99)
        let found = problems(document).map(\.description).joined(separator: "\n")
        #expect(found.contains("more than one credential"))
        #expect(!found.contains(Self.token))
        #expect(!found.contains(Self.apiSecret))
        let wrongType = minimalConfiguration.setting(["twilio", "authToken"], to: 12345)
        #expect(!problems(wrongType).description.contains("12345"))
    }

    @Test func secretFileContentsNeverAppearInProblems() throws {
        let folder = try temporaryDirectory()
        try Data([0xFF, 0xFE]).write(to: folder.appendingPathComponent("binary"))
        let document = minimalConfiguration.setting(["twilio", "authToken"], to: nil)
            .setting(["twilio", "authTokenFile"], to: .string(folder.appendingPathComponent("binary").path))
        let found = problems(document)
        #expect(found.contains { $0.message.contains("not UTF-8") })
    }
}
