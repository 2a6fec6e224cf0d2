import Logging
import Prometheus
import RelayCore
import RelaySync
import Testing

@testable import RelayRuntime

@Suite("Metrics server over loopback HTTP", .timeLimit(.minutes(1)))
struct MetricsServerTests {
    static let quietLogger = Logger(label: "metrics-server-test") { _ in SwiftLogNoOpLogHandler() }

    func withServer(
        registry: PrometheusCollectorRegistry = RelayMetrics.scraped().registry,
        health: HealthState = HealthState(),
        _ body: @Sendable (_ baseURL: String, CurlHTTPClient) async throws -> Void
    ) async throws {
        let http = try CurlHTTPClient()
        let server = MetricsServer(
            address: HostPort("127.0.0.1:0")!, registry: registry, health: health, logger: Self.quietLogger)
        do {
            try await server.withRunning { port in
                try await body("http://127.0.0.1:\(port)", http)
            }
        } catch {
            await http.shutdown()
            throw error
        }
        await http.shutdown()
    }

    func get(_ http: CurlHTTPClient, _ url: String) async throws -> HTTPClientResponse {
        try await http.execute(HTTPClientRequest(url: url, timeout: .seconds(10)))
    }

    @Test func metricsParseAsPrometheusTextAndAgreeWithTheObserver() async throws {
        let (metrics, registry) = RelayMetrics.scraped()
        RelayMetricsTests.exerciseEveryMethod(metrics)
        metrics.messagePublished(stream: "orders-eu", records: 6, bytes: 4000, latency: .milliseconds(30))
        try await withServer(registry: registry) { baseURL, http in
            let response = try await get(http, baseURL + "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == MetricsEndpoints.prometheusContentType)
            let text = try PrometheusText(response.bodyText)
            #expect(text.families == Set(RelayMetricCatalogue.all.map(\.fullName)))
            #expect(text.value("sync_relay_records_published_total", ["stream": "orders-eu"]) == 10)
            #expect(text.value("sync_relay_messages_published_total", ["stream": "orders-eu"]) == 3)
            #expect(text.value("sync_relay_build_info", ["version": RelayVersion.current]) == 1)

            metrics.recordsConsumed(topic: "orders", count: 100)
            let later = try PrometheusText(try await get(http, baseURL + "/metrics").bodyText)
            #expect(later.value("sync_relay_records_consumed_total", ["topic": "orders"]) == 107)
        }
    }

    @Test func healthzAnswersWhileRunning() async throws {
        try await withServer { baseURL, http in
            let response = try await get(http, baseURL + "/healthz")
            #expect(response.status == 200)
            #expect(response.bodyText == "ok\n")
        }
    }

    @Test func readyzFollowsTheHealthState() async throws {
        let health = HealthState()
        try await withServer(health: health) { baseURL, http in
            var response = try await get(http, baseURL + "/readyz")
            #expect(response.status == 503)
            #expect(response.header("Content-Type") == "application/json")
            var body = try JSONParser.parse(response.bodyText)
            #expect(body["ready"] == .bool(false))
            #expect(body["problems"]?["kafka"] == .string("starting"))
            #expect(body["problems"]?["twilio"] == .string("starting"))

            health.setReady(.kafka)
            health.setReady(.twilio)
            response = try await get(http, baseURL + "/readyz")
            #expect(response.status == 200)
            #expect(response.bodyText == "{\"ready\":true}\n")

            health.setNotReady(.twilio, reason: "Twilio answered 401 (20003): \"credentials\" rejected")
            response = try await get(http, baseURL + "/readyz")
            #expect(response.status == 503)
            body = try JSONParser.parse(response.bodyText)
            #expect(body["problems"]?.members?.map(\.key) == ["twilio"])
            #expect(body["problems"]?["twilio"] == .string("Twilio answered 401 (20003): \"credentials\" rejected"))
        }
    }

    @Test func otherPathsAreNotFound() async throws {
        try await withServer { baseURL, http in
            let root = try await get(http, baseURL + "/")
            let below = try await get(http, baseURL + "/metrics/extra")
            #expect(root.status == 404)
            #expect(below.status == 404)
        }
    }

    @Test func reportsTheBoundPortAndStopsOnGracefulShutdown() async throws {
        let reported = AsyncStream.makeStream(of: Int.self)
        let server = MetricsServer(
            address: HostPort("127.0.0.1:0")!, registry: RelayMetrics.scraped().registry, health: HealthState(),
            logger: Self.quietLogger
        ) { port in reported.continuation.yield(port) }
        let port = try await server.withRunning { $0 }
        var ports = reported.stream.makeAsyncIterator()
        #expect(await ports.next() == port)
        #expect(port > 0)
        // After withRunning returns the listener is closed.
        let http = try CurlHTTPClient()
        await #expect(throws: SyncError.self) {
            _ = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz", timeout: .seconds(5)))
        }
        await http.shutdown()
    }

    @Test func readinessBodyIsStableJSON() {
        let health = HealthState()
        health.setNotReady(.kafka, reason: "no partitions assigned")
        #expect(
            MetricsEndpoints.readinessBody(health.snapshot)
                == #"{"ready":false,"problems":{"kafka":"no partitions assigned","twilio":"starting"}}"#)
    }
}
