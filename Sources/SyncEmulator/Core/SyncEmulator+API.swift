import Foundation
import RelayCore

/// A rule's refusal, carried as an error value.
struct Rejection: Error {
    let response: EmulatorResponse
}

extension SyncEmulator {
    /// Twilio's TTL bounds in seconds.
    static let ttlRange = 0...31_536_000

    /// Answers one Sync API request by Twilio's rules (faults are decided separately, before this).
    public func handle(_ request: EmulatorRequest) -> EmulatorResponse {
        let now = clock.now()
        let response = state.withLock { state -> EmulatorResponse in
            state.requestCount += 1
            state.expire(at: now)
            return respond(to: request, state: &state, now: now)
        }
        if let code = response.twilioCode {
            state.withLock { $0.rejections[code, default: 0] += 1 }
        }
        return response
    }

    private func respond(to request: EmulatorRequest, state: inout EmulatorState, now: Date) -> EmulatorResponse {
        guard authorized(request.authorization) else {
            return .twilioError(
                401, code: TwilioErrorCode.authenticationFailed, "Authentication Error - invalid username or password")
        }
        guard let route = SyncRoute(request: request) else {
            return .twilioError(
                404, code: TwilioErrorCode.notFound, "The requested resource \(request.path) was not found")
        }
        guard route.service == configuration.serviceSID || route.service == "default" else {
            return .twilioError(
                404, code: TwilioErrorCode.notFound, "The requested resource \(request.path) was not found")
        }
        if route.addressesObjects { return objectResponse(route, request, state: &state, now: now) }
        switch (route, request.method) {
        case (.streams, "POST"): return create(request, state: &state, now: now)
        case (.streams, "GET"): return list(request, state: state)
        case (.stream(_, let id), "GET"):
            guard let stream = state.stream(id) else { return notFound(request) }
            return .json(200, render(stream, baseURL: request.baseURL))
        case (.stream(_, let id), "POST"): return update(id, request, state: &state, now: now)
        case (.stream(_, let id), "DELETE"):
            guard let stream = state.stream(id) else { return notFound(request) }
            state.streams[stream.sid] = nil
            if let name = stream.uniqueName { state.sidByUniqueName[name] = nil }
            return EmulatorResponse(status: 204)
        case (.messages(_, let id), "POST"): return publish(id, request, state: &state, now: now)
        default:
            return .methodNotAllowed
        }
    }

    private func authorized(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return false }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        return credentials.contains { $0.username == user && $0.password == password }
    }

    private func notFound(_ request: EmulatorRequest) -> EmulatorResponse {
        .twilioError(404, code: TwilioErrorCode.notFound, "The requested resource \(request.path) was not found")
    }

    private func parseTTL(_ request: EmulatorRequest) -> Result<Int?, Rejection> {
        guard let text = request.form["Ttl"] else { return .success(nil) }
        guard let ttl = Int(text), Self.ttlRange.contains(ttl) else {
            return .failure(
                Rejection(
                    response: .twilioError(
                        400, code: TwilioErrorCode.invalidTTL,
                        "Invalid TTL: must be an integer from 0 to \(Self.ttlRange.upperBound)")))
        }
        return .success(ttl)
    }

    private func create(_ request: EmulatorRequest, state: inout EmulatorState, now: Date) -> EmulatorResponse {
        let uniqueName = request.form["UniqueName"]
        if let uniqueName {
            guard (1...320).contains(uniqueName.count), !SIDGenerator.looksLikeSID(uniqueName) else {
                return .twilioError(
                    400, code: TwilioErrorCode.invalidUniqueName,
                    "Invalid unique name: 1 to 320 characters, and it must not look like a SID")
            }
            guard state.sidByUniqueName[uniqueName] == nil else {
                return .twilioError(409, code: TwilioErrorCode.uniqueNameExists, "Unique name already exists")
            }
        }
        let ttl: Int?
        switch parseTTL(request) {
        case .success(let value): ttl = value
        case .failure(let rejection): return rejection.response
        }
        guard state.streams.count < configuration.maxStreams else {
            return .twilioError(400, code: 54303, "Stream limit reached")
        }
        if let limit = configuration.createsPerSecond {
            state.recentCreates.removeAll { now.timeIntervalSince($0) >= 1 }
            guard state.recentCreates.count < limit else {
                return .twilioError(429, code: TwilioErrorCode.accountRateLimited, "Too many requests", retryAfter: 1)
            }
            state.recentCreates.append(now)
        }
        state.createdTotal += 1
        let stream = EmulatedStream(
            sid: SIDGenerator.make(prefix: "TO"),
            uniqueName: uniqueName,
            dateCreated: now,
            dateUpdated: now,
            dateExpires: ttl.flatMap { $0 == 0 ? nil : now.addingTimeInterval(Double($0)) },
            limiter: StreamRateLimiter(rule: configuration.rateLimit),
            ordinal: state.nextOrdinal
        )
        state.nextOrdinal += 1
        state.streams[stream.sid] = stream
        pruneReadBackLogs(&state)
        if let uniqueName {
            state.sidByUniqueName[uniqueName] = stream.sid
            state.lastSIDByUniqueName[uniqueName] = stream.sid
        }
        return .json(201, render(stream, baseURL: request.baseURL))
    }

    private func update(_ id: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        -> EmulatorResponse
    {
        guard var stream = state.stream(id) else { return notFound(request) }
        switch parseTTL(request) {
        case .success(let ttl?):
            stream.dateExpires = ttl == 0 ? nil : now.addingTimeInterval(Double(ttl))
            stream.dateUpdated = now
        case .success(nil): break
        case .failure(let rejection): return rejection.response
        }
        state.streams[stream.sid] = stream
        return .json(200, render(stream, baseURL: request.baseURL))
    }

    private func list(_ request: EmulatorRequest, state: EmulatorState) -> EmulatorResponse {
        var pageSize = 50
        if let text = request.query["PageSize"] {
            guard let value = Int(text), (1...100).contains(value) else {
                return .twilioError(400, code: TwilioErrorCode.invalidParameter, "PageSize must be from 1 to 100")
            }
            pageSize = value
        }
        var page = 0
        if let text = request.query["Page"] {
            guard let value = Int(text), value >= 0 else {
                return .twilioError(
                    400, code: TwilioErrorCode.invalidParameter, "Page must be a non-negative integer")
            }
            page = value
        }
        let all = state.streams.values.sorted { $0.ordinal < $1.ordinal }
        let start = min(all.count, page * pageSize)
        let end = min(all.count, start + pageSize)
        let listURL = "\(request.baseURL)/v1/Services/\(configuration.serviceSID)/Streams"
        func pageURL(_ index: Int) -> String {
            "\(listURL)?PageSize=\(pageSize)&Page=\(index)" + (index > 0 ? "&PageToken=PT\(index * pageSize)" : "")
        }
        let meta: [String: Any] = [
            "first_page_url": pageURL(0),
            "key": "streams",
            "next_page_url": end < all.count ? pageURL(page + 1) : NSNull(),
            "page": page,
            "page_size": pageSize,
            "previous_page_url": page > 0 ? pageURL(page - 1) : NSNull(),
            "url": pageURL(page),
        ]
        let streams = all[start..<end].map { render($0, baseURL: request.baseURL) }
        return .json(200, ["streams": streams, "meta": meta])
    }

    private func publish(_ id: String, _ request: EmulatorRequest, state: inout EmulatorState, now: Date)
        -> EmulatorResponse
    {
        guard var stream = state.stream(id) else { return notFound(request) }
        guard let data = request.form["Data"] else {
            return .twilioError(400, code: 54251, "Data parameter is required")
        }
        let size = data.utf8.count
        guard size <= 4096 else {
            return .twilioError(
                400, code: TwilioErrorCode.dataTooLarge, "Data is too large: \(size) bytes, the maximum is 4096")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)), object is [String: Any] else {
            return .twilioError(400, code: TwilioErrorCode.invalidData, "Data must be a valid JSON object")
        }
        guard stream.limiter.admit(at: now) else {
            state.streams[stream.sid] = stream
            return .twilioError(429, code: TwilioErrorCode.rateExceeded, "Stream message rate exceeded")
        }
        state.streams[stream.sid] = stream
        let sequence = state.acceptedCounts[stream.sid, default: 0] + 1
        state.acceptedCounts[stream.sid] = sequence
        state.acceptedTotal += 1
        let message = AcceptedMessage(
            sid: SIDGenerator.make(prefix: "TZ"), streamSID: stream.sid, streamUniqueName: stream.uniqueName,
            data: data, arrivedAt: now, sequence: sequence)
        var log = state.messages[stream.sid, default: []]
        log.append(message)
        if log.count > configuration.retainedMessagesPerStream {
            log.removeFirst(log.count - configuration.retainedMessagesPerStream)
        }
        state.messages[stream.sid] = log
        feed.publish(message)
        return .json(201, ["sid": message.sid, "data": object])
    }

    /// Keeps read-back logs bounded: past `maxStreams` logs, those of streams that no longer exist go first.
    private func pruneReadBackLogs(_ state: inout EmulatorState) {
        guard state.messages.count > configuration.maxStreams else { return }
        for sid in Array(state.messages.keys) where state.streams[sid] == nil {
            state.messages[sid] = nil
            state.acceptedCounts[sid] = nil
            if state.messages.count <= configuration.maxStreams / 2 { break }
        }
        state.lastSIDByUniqueName = state.lastSIDByUniqueName.filter { state.messages[$0.value] != nil }
    }

    /// A stream in Twilio's JSON shape.
    func render(_ stream: EmulatedStream, baseURL: String) -> [String: Any] {
        let url = "\(baseURL)/v1/Services/\(configuration.serviceSID)/Streams/\(stream.sid)"
        return [
            "sid": stream.sid,
            "unique_name": stream.uniqueName ?? NSNull(),
            "account_sid": configuration.accountSID,
            "service_sid": configuration.serviceSID,
            "url": url,
            "links": ["messages": "\(url)/Messages"],
            "date_expires": JSONBody.date(stream.dateExpires),
            "date_created": JSONBody.date(stream.dateCreated),
            "date_updated": JSONBody.date(stream.dateUpdated),
            "created_by": "system",
        ]
    }
}
