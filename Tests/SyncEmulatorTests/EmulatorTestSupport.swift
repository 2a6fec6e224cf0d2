import Foundation

@testable import SyncEmulator

/// Builds requests against an emulator without a socket.
struct EmulatorDriver {
    let emulator: SyncEmulator
    let clock: ManualEmulatorClock
    var authorization: String? =
        "Basic "
        + Data("\(SyncEmulatorConfiguration.defaultAccountSID):emulator-token".utf8)
        .base64EncodedString()
    let base = "http://127.0.0.1:1"
    let service = SyncEmulatorConfiguration.defaultServiceSID

    init(
        rateLimit: EmulatorRateLimit = .strict(), objectLimit: EmulatorObjectLimit = .strict(),
        configure: (inout SyncEmulatorConfiguration) -> Void = { _ in }
    ) {
        clock = ManualEmulatorClock()
        var configuration = SyncEmulatorConfiguration(rateLimit: rateLimit, objectWriteLimit: objectLimit)
        configure(&configuration)
        emulator = SyncEmulator(configuration: configuration, clock: clock)
    }

    @discardableResult
    func send(
        _ method: String, _ path: String, form: [String: String] = [:], query: [String: String] = [:],
        ifMatch: String? = nil
    ) -> Reply {
        let request = EmulatorRequest(
            method: method, path: "/v1/Services/\(service)\(path)", query: query, form: form,
            authorization: authorization, ifMatch: ifMatch, baseURL: base)
        let decision = emulator.decideFaults(for: request)
        return Reply(decision.response ?? emulator.handle(request))
    }

    @discardableResult
    func create(_ name: String? = nil, ttl: Int? = nil) -> Reply {
        var form: [String: String] = [:]
        if let name { form["UniqueName"] = name }
        if let ttl { form["Ttl"] = String(ttl) }
        return send("POST", "/Streams", form: form)
    }

    @discardableResult
    func publish(_ stream: String, _ data: String = #"{"n":1}"#) -> Reply {
        send("POST", "/Streams/\(stream)/Messages", form: ["Data": data])
    }
}

/// A decoded emulator reply.
struct Reply {
    let status: Int
    let json: [String: Any]
    let retryAfter: Int?
    let eTag: String?

    init(_ response: EmulatorResponse) {
        status = response.status
        retryAfter = response.retryAfter
        eTag = response.eTag
        json = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    var code: Int? { json["code"] as? Int }
    subscript(key: String) -> Any? { json[key] }
    var string: (String) -> String? { { json[$0] as? String } }
}
