import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RelayCore
import RelayTestSupport
import Synchronization
import Testing

@testable import RelayKafka

/// SASL/OAUTHBEARER with OIDC (docs/examples/kafka-oidc.json): the pinned librdkafka, built with libcurl, fetches its
/// token itself from the configured endpoint with the client's id and secret. A loopback token endpoint stands in for
/// the identity provider and records what the consumer asked. No broker here completes a SASL exchange (the mock
/// cluster has no SASL handlers and Tansu's SASL fails in the build the suite uses), so the test ends at the token.
@Suite("Kafka SASL/OAUTHBEARER with OIDC", .timeLimit(.minutes(1)))
struct KafkaOIDCTests {
    /// One request the endpoint answered.
    struct TokenRequest: Sendable {
        var method: HTTPMethod
        var uri: String
        var authorization: String?
        var contentType: String?
        var body: String
    }

    /// What the endpoint was asked.
    final class Requests: Sendable {
        let all = Mutex<[TokenRequest]>([])
    }

    /// Answers every request with a token response and records it.
    final class TokenEndpoint: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: `head` and `body` are touched only on the connection's event loop.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let requests: Requests
        let answer: String
        var head: HTTPRequestHead?
        var body = ""

        init(requests: Requests, answer: String) {
            self.requests = requests
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                let request = TokenRequest(
                    method: head.method, uri: head.uri, authorization: head.headers.first(name: "Authorization"),
                    contentType: head.headers.first(name: "Content-Type"), body: body)
                requests.all.withLock { $0.append(request) }
                let response = Data(answer.utf8)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(response.count))
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                    promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// A token as an identity provider issues it: a JWT whose payload has `sub` and `exp` (librdkafka reads both;
    /// the signature is the broker's to check).
    static let tokenResponse: String = {
        func base64URL(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let expires = Int(Date().timeIntervalSince1970) + 3_600
        let jwt = [
            base64URL(#"{"alg":"RS256","typ":"JWT"}"#),
            base64URL(#"{"sub":"sync-relay","iat":\#(expires - 3_600),"exp":\#(expires),"scope":"kafka"}"#),
            "c2lnbmF0dXJl",
        ].joined(separator: ".")
        return #"{"access_token":"\#(jwt)","token_type":"Bearer","expires_in":3600}"#
    }()

    @Test func theConsumerFetchesItsTokenFromTheEndpoint() async throws {
        let (requests, logs) = try await fetchingTokens(answer: Self.tokenResponse) { requests, _ in
            !requests.isEmpty
        }
        let request = try #require(requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/realms/kafka/token")
        // The client's id and secret as HTTP Basic credentials (RFC 6749 section 2.3.1), the client-credentials grant
        // and the configured scope.
        #expect(request.authorization == "Basic " + Data("sync-relay:oidc-secret-42".utf8).base64EncodedString())
        #expect(request.contentType == "application/x-www-form-urlencoded")
        #expect(request.body.contains("grant_type=client_credentials"))
        #expect(request.body.contains("scope=kafka"))
        // librdkafka took the token: no failure to fetch or parse it was reported (the mock broker then refuses the
        // SASL handshake itself, which is logged as the broker's).
        #expect(!logs.contains { $0.contains(Self.tokenFailure) }, "\(logs)")
    }

    /// The check above can fail: a token that is not a JWT is reported.
    @Test func aTokenThatIsNotAJWTIsReported() async throws {
        let (_, logs) = try await fetchingTokens(answer: #"{"access_token":"not-a-jwt","token_type":"Bearer"}"#) {
            _, logs in logs.contains { $0.contains(Self.tokenFailure) }
        }
        #expect(logs.contains { $0.contains(Self.tokenFailure) }, "\(logs)")
    }

    /// What librdkafka logs when it cannot use what the token endpoint answered.
    static let tokenFailure = "Failed to acquire SASL OAUTHBEARER token"

    /// Runs a consumer configured as docs/examples/kafka-oidc.json, pointed at a loopback token endpoint that answers
    /// `answer` and at a mock broker without TLS, until `condition` holds on the requests and log lines; returns them.
    func fetchingTokens(
        answer: String, until condition: @escaping ([TokenRequest], [String]) -> Bool
    ) async throws -> ([TokenRequest], [String]) {
        try #require(KafkaLibrary.builtinFeatures.contains("oidc"), "this librdkafka was built without OIDC")
        let requests = Requests()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(TokenEndpoint(requests: requests, answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        defer {
            server.close(promise: nil)
            group.shutdownGracefully { (_: (any Error)?) in }
        }

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        try "token\n".write(to: secrets.appendingPathComponent("twilio-auth-token"), atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(
            environment: ["KAFKA_OIDC_CLIENT_SECRET": "oidc-secret-42", "CREDENTIALS_DIRECTORY": secrets.path],
            hostName: "relay-host-1"
        ).load(path: root.appendingPathComponent("docs/examples/kafka-oidc.json").path)
        let cluster = try KafkaMockCluster(brokers: 1)
        var settings = KafkaConsumerSettings(configuration.kafka)
        settings.brokers = [cluster.bootstrapServers]
        settings.rebalanceDrainDeadline = .seconds(1)
        settings.properties.removeAll { $0.name == "ssl.ca.location" }
        settings.properties = settings.properties.map { property in
            switch property.name {
            case "security.protocol": (property.name, "sasl_plaintext")
            case "sasl.oauthbearer.token.endpoint.url": (property.name, "http://127.0.0.1:\(port)/realms/kafka/token")
            default: property
            }
        }
        try settings.validate()  // as `check` does; its short-lived client may ask for a token too
        requests.all.withLock { $0.removeAll() }

        let logs = LogLines()
        let consumer = try KafkaConsumer(settings: settings, handler: RecordingHandler(), logger: logs.logger)
        let task = Task { try await consumer.run() }
        await eventually("the consumer asked for a token", timeout: .seconds(20)) {
            condition(requests.all.withLock { $0 }, logs.all)
        }
        consumer.stop()
        _ = try? await task.value
        return (requests.all.withLock { $0 }, logs.all)
    }
}
