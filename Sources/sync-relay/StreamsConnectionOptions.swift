import ArgumentParser
import Foundation
import RelayCore
import RelaySync

/// Options shared by every `streams` subcommand: where the Sync API is and how to authenticate.
///
/// Credentials come from these options first, then from the relay's configuration file (`--config`), then from the
/// environment (`TWILIO_*`).
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

    @Option(
        help:
            "API base URL, for example http://127.0.0.1:8080 for the emulator (default: the configuration's, else Twilio's)."
    )
    var baseUrl: String?

    @Option(help: "The relay's configuration file, for its Twilio account, credentials, service and base URL.")
    var config: String?

    @Option(help: "Output format: table or json.")
    var output: StreamsOutputFormat = .table

    @Option(help: "Request timeout in seconds.")
    var timeout: Double = 30

    /// Credential sources in precedence order.
    func credentialSources(configuration: RelayConfiguration?) -> [TwilioCredentialFields] {
        var sources = [
            TwilioCredentialFields(
                accountSID: accountSid, authToken: authToken, apiKey: apiKey, apiSecret: apiSecret,
                serviceSID: serviceSid)
        ]
        if let twilio = configuration?.twilio {
            switch twilio.auth {
            case .authToken(let token):
                sources.append(
                    TwilioCredentialFields(
                        accountSID: twilio.accountSid, authToken: token.reveal(), serviceSID: twilio.serviceSid))
            case .apiKey(let sid, let secret):
                sources.append(
                    TwilioCredentialFields(
                        accountSID: twilio.accountSid, apiKey: sid, apiSecret: secret.reveal(),
                        serviceSID: twilio.serviceSid))
            }
        }
        return sources + [.environment()]
    }

    /// The configuration named by `--config`, or nil; a broken file ends the command with its problems (exit 78).
    func loadConfiguration() throws -> RelayConfiguration? {
        guard let config else { return nil }
        do {
            return try ConfigurationLoader(environment: ProcessInfo.processInfo.environment, hostName: HostName.current)
                .load(path: config)
        } catch {
            for line in error.lines { SyncCommandErrorLine.print(line) }
            throw ExitCode(ConfigurationError.exitStatus)
        }
    }

    /// Resolves credentials, builds a client, runs `body` and turns every failure into one line and exit code 1.
    func withClient(stream: String? = nil, _ body: (SyncStreamsClient) async throws(SyncError) -> Void) async throws {
        let configuration = try loadConfiguration()
        let baseUrl = self.baseUrl ?? configuration?.twilio.baseURL ?? SyncStreamsClient.twilioBaseURL
        let http: CurlHTTPClient
        do throws(SyncError) {
            let resolved = try TwilioCredentialResolver.resolve(credentialSources(configuration: configuration))
            http = try CurlHTTPClient(
                configuration: HTTPClientConfiguration(requestTimeout: .milliseconds(Int64(max(0.001, timeout) * 1000)))
            )
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
