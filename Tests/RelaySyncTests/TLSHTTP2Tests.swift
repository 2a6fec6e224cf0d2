import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import RelaySync
import RelayTestSupport
import RelayTimers
import Testing

/// TLS verification and HTTP/2 multiplexing, against a Hummingbird HTTP/2 server on loopback with a self-signed
/// certificate.
@Suite("TLS and HTTP/2", .timeLimit(.minutes(1)))
struct TLSHTTP2Tests {
    /// Runs an HTTP/2-over-TLS server (with HTTP/1.1 fallback) whose handler waits `delay` and answers 200 "ok".
    func withTLSServer(delay: Duration = .zero, _ body: @Sendable (Int) async throws -> Void) async throws {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [
                .certificate(try NIOSSLCertificate(bytes: Array(TLSFixture.certificatePEM.utf8), format: .pem))
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(TLSFixture.privateKeyPEM.utf8), format: .pem))
        )
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { _, _ in
                if delay > .zero { try await Timers.sleep(for: delay) }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
            },
            server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            defer { group.cancelAll() }
            try await body(port)
        }
    }

    @Test func refusesAnUntrustedCertificate() async throws {
        try await withTLSServer { port in
            let http = try CurlHTTPClient()
            let error = await syncError {
                _ = try await http.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/"))
            }
            #expect(error?.code == .transport)
            #expect(error?.reason.hasPrefix("TLS failure") == true)
            await http.shutdown()
        }
    }

    @Test func verifiesAgainstAGivenCAAndNegotiatesHTTP2() async throws {
        let caPath = try TLSFixture.writeCertificate()
        defer { try? FileManager.default.removeItem(atPath: caPath) }
        try await withTLSServer { port in
            let http = try CurlHTTPClient(configuration: HTTPClientConfiguration(caBundlePath: caPath))
            let response = try await http.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/"))
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")
            #expect(response.httpVersion == "2")
            await http.shutdown()
        }
    }

    @Test func skipsVerificationOnlyWhenAskedAndOnlyOnLoopback() async throws {
        try await withTLSServer { port in
            let http = try CurlHTTPClient(configuration: HTTPClientConfiguration(skipsTLSVerificationOnLoopback: true))
            let response = try await http.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/"))
            #expect(response.status == 200)
            await http.shutdown()
        }
    }

    @Test func multiplexesConcurrentRequestsOnOneConnection() async throws {
        let caPath = try TLSFixture.writeCertificate()
        defer { try? FileManager.default.removeItem(atPath: caPath) }
        try await withTLSServer(delay: .milliseconds(300)) { port in
            let http = try CurlHTTPClient(
                configuration: HTTPClientConfiguration(maxConnectionsPerHost: 1, caBundlePath: caPath))
            let url = "https://127.0.0.1:\(port)/"
            _ = try await http.execute(HTTPClientRequest(url: url))  // establish the connection
            let start = ContinuousClock.now
            let versions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 { group.addTask { try await http.execute(HTTPClientRequest(url: url)).httpVersion } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - start
            #expect(versions == Array(repeating: "2", count: 40))
            // One HTTP/1.1 connection would take 40 x 300 ms = 12 s; multiplexed, the requests overlap.
            #expect(elapsed < .seconds(6))
            await http.shutdown()
        }
    }
}
