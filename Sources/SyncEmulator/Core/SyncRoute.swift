/// The Sync Streams endpoints the emulator serves, parsed from a path.
enum SyncRoute: Sendable, Equatable {
    /// `/v1/Services/{service}/Streams`
    case streams(service: String)
    /// `/v1/Services/{service}/Streams/{stream}`
    case stream(service: String, stream: String)
    /// `/v1/Services/{service}/Streams/{stream}/Messages`
    case messages(service: String, stream: String)

    init?(request: EmulatorRequest) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard parts.count >= 4, parts[0] == "v1", parts[1] == "Services", parts[3] == "Streams" else { return nil }
        switch parts.count {
        case 4: self = .streams(service: parts[2])
        case 5: self = .stream(service: parts[2], stream: parts[4])
        case 6 where parts[5] == "Messages": self = .messages(service: parts[2], stream: parts[4])
        default: return nil
        }
    }

    var service: String {
        switch self {
        case .streams(let service), .stream(let service, _), .messages(let service, _): service
        }
    }

    var streamIdentifier: String? {
        switch self {
        case .streams: nil
        case .stream(_, let stream), .messages(_, let stream): stream
        }
    }
}
