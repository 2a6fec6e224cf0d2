import ArgumentParser
import Foundation
import RelaySync

/// Options shared by every `streams` subcommand: where the Sync API is and how to authenticate.
///
/// Credentials come from these options first, then from the environment (`TWILIO_*`). A config-file source can be
/// slotted into `credentialSources` between the two.
struct StreamsConnectionOptions: ParsableArguments {
    @Option(help: "Account SID (default: $TWILIO_ACCOUNT_SID).")
    var accountSid: String?

    @Option(help: "Auth token (default: $TWILIO_AUTH_TOKEN; prefer the environment, options show in ps).")
    var authToken: String?

    @Option(help: "API key SID (default: $TWILIO_API_KEY).")
    var apiKey: String?

    @Option(help: "API key secret (default: $TWILIO_API_SECRET).")
    var apiSecret: String?

    @Option(help: "Sync service SID (default: $TWILIO_SYNC_SERVICE_SID).")
    var serviceSid: String?

    @Option(help: "API base URL, for example http://127.0.0.1:8080 for the emulator.")
    var baseUrl: String = SyncStreamsClient.twilioBaseURL

    @Option(help: "Output format: table or json.")
    var output: StreamsOutputFormat = .table

    @Option(help: "Request timeout in seconds.")
    var timeout: Double = 30

    /// Credential sources in precedence order.
    var credentialSources: [TwilioCredentialFields] {
        [
            TwilioCredentialFields(
                accountSID: accountSid, authToken: authToken, apiKey: apiKey, apiSecret: apiSecret,
                serviceSID: serviceSid),
            .environment(),
        ]
    }

    /// Resolves credentials, builds a client, runs `body` and turns every failure into one line and exit code 1.
    func withClient(stream: String? = nil, _ body: (SyncStreamsClient) async throws(SyncError) -> Void) async throws {
        let http: CurlHTTPClient
        do throws(SyncError) {
            let resolved = try TwilioCredentialResolver.resolve(credentialSources)
            http = try CurlHTTPClient(
                configuration: HTTPClientConfiguration(requestTimeout: .milliseconds(Int64(max(0.001, timeout) * 1000))))
            let client = SyncStreamsClient(
                http: http, credentials: resolved.credentials, serviceSID: resolved.serviceSID, baseURL: baseUrl)
            do {
                try await body(client)
            } catch {
                await http.shutdown()
                throw error
            }
            await http.shutdown()
        } catch {
            SyncCommandErrorLine.print(error.commandLineMessage(stream: stream, baseURL: baseUrl))
            throw ExitCode.failure
        }
    }
}

/// How `streams` prints resources.
enum StreamsOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

/// Prints one-line errors to standard error.
enum SyncCommandErrorLine {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data("sync-relay: \(line)\n".utf8))
    }
}
