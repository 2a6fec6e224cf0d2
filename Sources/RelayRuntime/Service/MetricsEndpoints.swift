import Hummingbird
import Prometheus
import RelayCore

/// The routes `MetricsServer` serves: `/metrics`, `/healthz` and `/readyz`.
struct MetricsEndpoints: Sendable {
    /// The content type of the Prometheus text exposition format.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry: PrometheusCollectorRegistry
    let health: HealthState

    /// A router with the three endpoints; anything else is 404.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in metrics() }
        router.get("healthz") { _, _ in Self.text(status: .ok, "ok\n", contentType: "text/plain; charset=utf-8") }
        router.get("readyz") { _, _ in readiness() }
        return router
    }

    /// The registry's collectors in Prometheus text format.
    func metrics() -> Response {
        let bytes = registry.emitToBuffer()
        return Self.response(status: .ok, bytes: bytes, contentType: Self.prometheusContentType)
    }

    /// 200 `{"ready":true}`, or 503 `{"ready":false,"problems":{...}}` with each not-ready component's reason.
    func readiness() -> Response {
        let snapshot = health.snapshot
        let body = Self.readinessBody(snapshot)
        return Self.text(
            status: snapshot.isReady ? .ok : .serviceUnavailable, body + "\n", contentType: "application/json")
    }

    /// The JSON body of `/readyz`: problems sorted by component, so the answer is stable.
    static func readinessBody(_ snapshot: HealthState.Snapshot) -> String {
        var members = [JSONMember("ready", .bool(snapshot.isReady))]
        if !snapshot.isReady {
            let problems = snapshot.problems.sorted { $0.key < $1.key }
                .map { JSONMember($0.key.rawValue, .string($0.value)) }
            members.append(JSONMember("problems", .object(problems)))
        }
        return JSONValue.object(members).text()
    }

    private static func text(status: HTTPResponse.Status, _ text: String, contentType: String) -> Response {
        response(status: status, bytes: Array(text.utf8), contentType: contentType)
    }

    private static func response(status: HTTPResponse.Status, bytes: [UInt8], contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
