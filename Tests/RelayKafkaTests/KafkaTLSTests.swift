import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import RelayCore
import RelayTestSupport
import Synchronization
import Testing

@testable import RelayKafka

/// Mutual TLS as the relay's Kafka client does it, against a loopback TLS listener that demands a client
/// certificate (librdkafka's mock cluster speaks only PLAINTEXT, so the listener stands in for a broker's TLS side:
/// it checks the handshake and closes, and the consumer goes on retrying until it is stopped). The configuration is
/// docs/examples/kafka-mtls.json, with its files in a credentials directory, as systemd's `LoadCredential=` puts
/// them.
@Suite("Kafka over mutual TLS", .timeLimit(.minutes(1)))
struct KafkaTLSTests {
    /// What the listener saw: client certificates that completed a handshake, and handshakes that failed.
    final class Seen: Sendable {
        let certificates = Mutex<[NIOSSLCertificate]>([])
        let failures = Mutex(0)
    }

    /// After each handshake, records the client's certificate, then closes the connection.
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let seen: Seen
        init(_ seen: Seen) { self.seen = seen }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
                let channel = context.channel
                channel.pipeline.handler(type: NIOSSLServerHandler.self).whenSuccess { [seen] handler in
                    if let certificate = handler.peerCertificate {
                        seen.certificates.withLock { $0.append(certificate) }
                    }
                    channel.close(promise: nil)
                }
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            seen.failures.withLock { $0 += 1 }
            context.close(promise: nil)
        }
    }

    static let certificate = try! NIOSSLCertificate(bytes: Array(TLSFixture.certificatePEM.utf8), format: .pem)

    func withListener(_ body: (Int, Seen) async throws -> Void) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(Self.certificate)],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(TLSFixture.privateKeyPEM.utf8), format: .pem)))
        tls.certificateVerification = .noHostnameVerification  // a client certificate is required, and must chain
        tls.trustRoots = .certificates([Self.certificate])
        let context = try NIOSSLContext(configuration: tls)
        let seen = Seen()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(Recorder(seen))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(try #require(server.localAddress?.port), seen)
        } catch {
            try? await server.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try await server.close()
        try await group.shutdownGracefully()
    }

    /// The mTLS example's settings, its files in a fresh credentials directory, pointed at `port`.
    func exampleSettings(port: Int, withoutClientCertificate: Bool = false) throws -> KafkaConsumerSettings {
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        for (file, text) in [
            ("twilio-auth-token", "token\n"), ("kafka-ca.pem", TLSFixture.certificatePEM),
            ("kafka-client.pem", TLSFixture.certificatePEM), ("kafka-client.key", TLSFixture.privateKeyPEM),
        ] {
            try text.write(to: secrets.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let configuration = try ConfigurationLoader(
            environment: ["CREDENTIALS_DIRECTORY": secrets.path], hostName: "relay-host-1"
        ).load(path: root.appendingPathComponent("docs/examples/kafka-mtls.json").path)
        var settings = KafkaConsumerSettings(configuration.kafka)
        settings.brokers = ["127.0.0.1:\(port)"]
        settings.rebalanceDrainDeadline = .seconds(1)
        settings.properties.append(("reconnect.backoff.max.ms", "200"))
        if withoutClientCertificate {
            settings.properties.removeAll { $0.name == "ssl.certificate.location" || $0.name == "ssl.key.location" }
        }
        return settings
    }

    func consuming(_ settings: KafkaConsumerSettings, until condition: () -> Bool, _ what: String) async throws {
        let consumer = try KafkaConsumer(settings: settings, handler: RecordingHandler(), logger: quietLogger)
        let task = Task { try await consumer.run() }
        await eventually(what, timeout: .seconds(20), condition)
        consumer.stop()
        _ = try? await task.value
    }

    @Test func theClientPresentsTheConfiguredCertificate() async throws {
        try await withListener { port, seen in
            let settings = try exampleSettings(port: port)
            try settings.validate()
            try await consuming(settings, until: { !seen.certificates.withLock { $0.isEmpty } }, "a handshake")
            #expect(seen.certificates.withLock { $0.allSatisfy { $0 == Self.certificate } })
        }
    }

    @Test func withoutTheCertificateTheListenerRefusesTheHandshake() async throws {
        try await withListener { port, seen in
            let settings = try exampleSettings(port: port, withoutClientCertificate: true)
            try await consuming(settings, until: { seen.failures.withLock { $0 } > 0 }, "a refused handshake")
            #expect(seen.certificates.withLock { $0.isEmpty })
        }
    }
}
