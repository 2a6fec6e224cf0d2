import Foundation
import Hummingbird

/// The control API under `/_emulator` (see docs/emulator.md). No authentication: it is a local test tool.
struct ControlAPI: Sendable {
    static let prefix = "/_emulator"
    let emulator: SyncEmulator

    func respond(method: String, path: String, query: [String: String], body: String) -> Response {
        let parts = path.dropFirst(Self.prefix.count).split(separator: "/").map {
            String($0).removingPercentEncoding ?? String($0)
        }
        switch (method, parts.count) {
        case ("GET", 0):
            return html(LiveFeedPage.html)
        case ("GET", 1) where parts[0] == "stats":
            return json(200, statsJSON())
        case ("POST", 1) where parts[0] == "reset":
            emulator.reset()
            return json(200, ["reset": true])
        case ("GET", 1) where parts[0] == "events":
            return events(stream: nil)
        case ("GET", 1) where parts[0] == "faults":
            let faults = emulator.faults().map(faultJSON)
            return json(200, ["faults": faults])
        case ("POST", 1) where parts[0] == "faults":
            guard let fault = try? JSONDecoder().decode(EmulatorFault.self, from: Data(body.utf8)) else {
                return json(400, ["error": "body must be a fault as JSON, see docs/emulator.md"])
            }
            return json(201, ["id": emulator.injectFault(fault)])
        case ("DELETE", 1) where parts[0] == "faults":
            emulator.clearFaults()
            return json(200, ["faults": [Any]()])
        case ("GET", 1) where parts[0] == "credentials":
            return json(200, ["credentials": emulator.credentials.map { ["username": $0.username] }])
        case ("PUT", 1) where parts[0] == "credentials":
            return replaceCredentials(body)
        case ("POST", 2) where parts[0] == "clock" && parts[1] == "advance":
            return advanceClock(body)
        case ("GET", 3) where parts[0] == "streams" && parts[2] == "messages":
            return json(200, messagesJSON(stream: parts[1]))
        case ("GET", 3) where parts[0] == "streams" && parts[2] == "events":
            return events(stream: parts[1])
        default:
            if let response = objectsResponse(method: method, parts: parts) { return response }
            return json(404, ["error": "unknown control endpoint \(method) \(path)"])
        }
    }

    private func statsJSON() -> [String: Any] {
        let stats = emulator.stats()
        var rejections: [String: Int] = [:]
        for (code, count) in stats.rejections { rejections[String(code)] = count }
        return [
            "requests": stats.requests, "accepted": stats.accepted, "rejections": rejections,
            "streams": stats.streams, "created": stats.created, "documents": stats.documents, "maps": stats.maps,
            "object_writes": stats.objectWrites,
        ]
    }

    private func messagesJSON(stream: String) -> [String: Any] {
        let messages = emulator.messages(stream: stream)
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return [
            "stream": stream,
            "messages": messages.map { message -> [String: Any] in
                [
                    "sid": message.sid,
                    "stream_sid": message.streamSID,
                    "sequence": message.sequence,
                    "arrived_at": message.arrivedAt.formatted(format),
                    "data": (try? JSONSerialization.jsonObject(with: Data(message.data.utf8))) ?? NSNull(),
                ]
            },
        ]
    }

    private func faultJSON(_ fault: EmulatorFault) -> [String: Any] {
        guard let data = try? JSONEncoder().encode(fault),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    /// `PUT /_emulator/credentials` with `{"credentials": [{"username": ..., "password": ...}, ...]}`: only these are
    /// accepted from now on (an empty list refuses every request). The answer names the users, never a password.
    private func replaceCredentials(_ body: String) -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let entries = object["credentials"] as? [[String: Any]]
        else {
            return json(400, ["error": "body must be {\"credentials\": [{\"username\": U, \"password\": P}, ...]}"])
        }
        var credentials: [SyncEmulatorConfiguration.Credential] = []
        for entry in entries {
            guard let username = entry["username"] as? String, let password = entry["password"] as? String,
                !username.isEmpty, !password.isEmpty
            else {
                return json(400, ["error": "each credential needs a non-empty username and password"])
            }
            credentials.append(SyncEmulatorConfiguration.Credential(username: username, password: password))
        }
        emulator.replaceCredentials(credentials)
        return json(200, ["credentials": credentials.map { ["username": $0.username] }])
    }

    private func advanceClock(_ body: String) -> Response {
        guard let clock = emulator.manualClock else {
            return json(409, ["error": "the emulator runs on the system clock; start it with --clock manual"])
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let seconds = (object["seconds"] as? NSNumber)?.doubleValue, seconds >= 0
        else {
            return json(400, ["error": "body must be {\"seconds\": N} with N >= 0"])
        }
        clock.advance(by: .milliseconds(Int64(seconds * 1000)))
        return json(200, ["now": clock.now().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))])
    }

    private func events(stream: String?) -> Response {
        let events = emulator.feed.watch(stream: stream)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                for await message in events {
                    try await writer.write(ByteBuffer(string: LiveFeed.serverSentEvent(message)))
                }
                try await writer.finish(nil)
            })
    }

    func json(_ status: Int, _ object: [String: Any]) -> Response {
        EmulatorResponder.makeResponse(EmulatorResponse(status: status, body: JSONBody.encode(object)))
    }

    private func html(_ text: String) -> Response {
        EmulatorResponder.makeResponse(
            EmulatorResponse(status: 200, body: Array(text.utf8)), contentType: "text/html; charset=utf-8")
    }
}
