import Foundation
import Hummingbird
import RelayTimers

/// Turns Hummingbird requests into emulator requests and emulator responses into Hummingbird responses.
struct EmulatorResponder: Sendable {
    let emulator: SyncEmulator

    /// The largest request body read (bodies above Twilio's 4 KiB for a message, 16 KiB for an object, must still be
    /// read to answer 54006).
    static let maxBodySize = 1 << 20

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let path = request.uri.path
        let query = FormDecoding.decode(request.uri.query ?? "")
        let body = try await request.collectBody(upTo: Self.maxBodySize)
        let bodyText = String(buffer: body)
        if path == ControlAPI.prefix || path.hasPrefix(ControlAPI.prefix + "/") {
            return ControlAPI(emulator: emulator).respond(
                method: request.method.rawValue, path: path, query: query, body: bodyText)
        }
        let apiRequest = EmulatorRequest(
            method: request.method.rawValue,
            path: path,
            query: query,
            form: FormDecoding.decode(bodyText),
            authorization: request.headers[.authorization],
            ifMatch: request.headers[.ifMatch],
            baseURL: "http://" + (request.head.authority ?? "127.0.0.1")
        )
        let decision = emulator.decideFaults(for: apiRequest)
        if let latency = decision.latency {
            try await Timers.sleep(for: latency)
        }
        // Arrived: in flight for the account until the answer leaves.
        let admission = emulator.requestArrived()
        defer { emulator.requestLeft() }
        if let refusal = admission.refusal {
            return Self.makeResponse(refusal, concurrentRequests: admission.concurrentRequests)
        }
        if decision.dropConnection {
            return Self.droppedConnection()
        }
        let response = decision.response ?? emulator.handle(apiRequest)
        if let latency = decision.answerLatency {
            try await Timers.sleep(for: latency)
        }
        return Self.makeResponse(response, concurrentRequests: admission.concurrentRequests)
    }

    /// `Twilio-Concurrent-Requests`, on every Sync API answer.
    static let concurrentRequestsField = HTTPFields.Element.Name("Twilio-Concurrent-Requests")!

    /// `response` with `Twilio-Concurrent-Requests: concurrentRequests`.
    static func makeResponse(_ response: EmulatorResponse, concurrentRequests: Int) -> Response {
        var made = makeResponse(response)
        made.headers[concurrentRequestsField] = String(concurrentRequests)
        return made
    }

    static func makeResponse(_ response: EmulatorResponse, contentType: String = "application/json") -> Response {
        var headers = HTTPFields()
        if !response.body.isEmpty { headers[.contentType] = contentType }
        if let retryAfter = response.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let eTag = response.eTag { headers[.eTag] = eTag }
        return Response(
            status: .init(code: response.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
        )
    }

    /// A response that promises a body and then fails writing it, so the server closes the connection mid-response:
    /// the client sees a dropped connection.
    static func droppedConnection() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: 64) { _ in throw DroppedConnection() }
        )
    }

    struct DroppedConnection: Error {}
}
