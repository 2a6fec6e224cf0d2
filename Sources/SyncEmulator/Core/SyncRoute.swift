/// The Sync endpoints the emulator serves, parsed from a path. Each segment is percent-decoded after the path is
/// split, so a Map Item key may hold an encoded `/`.
enum SyncRoute: Sendable, Equatable {
    /// `/v1/Services/{service}/Streams`
    case streams(service: String)
    /// `/v1/Services/{service}/Streams/{stream}`
    case stream(service: String, stream: String)
    /// `/v1/Services/{service}/Streams/{stream}/Messages`
    case messages(service: String, stream: String)
    /// `/v1/Services/{service}/Documents`
    case documents(service: String)
    /// `/v1/Services/{service}/Documents/{document}`
    case document(service: String, document: String)
    /// `/v1/Services/{service}/Maps`
    case maps(service: String)
    /// `/v1/Services/{service}/Maps/{map}`
    case map(service: String, map: String)
    /// `/v1/Services/{service}/Maps/{map}/Items`
    case mapItems(service: String, map: String)
    /// `/v1/Services/{service}/Maps/{map}/Items/{key}`
    case mapItem(service: String, map: String, key: String)

    init?(request: EmulatorRequest) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard parts.count >= 4, parts[0] == "v1", parts[1] == "Services" else { return nil }
        let service = parts[2]
        switch (parts[3], parts.count) {
        case ("Streams", 4): self = .streams(service: service)
        case ("Streams", 5): self = .stream(service: service, stream: parts[4])
        case ("Streams", 6) where parts[5] == "Messages": self = .messages(service: service, stream: parts[4])
        case ("Documents", 4): self = .documents(service: service)
        case ("Documents", 5): self = .document(service: service, document: parts[4])
        case ("Maps", 4): self = .maps(service: service)
        case ("Maps", 5): self = .map(service: service, map: parts[4])
        case ("Maps", 6) where parts[5] == "Items": self = .mapItems(service: service, map: parts[4])
        case ("Maps", 7) where parts[5] == "Items": self = .mapItem(service: service, map: parts[4], key: parts[6])
        default: return nil
        }
    }

    var service: String {
        switch self {
        case .streams(let service), .stream(let service, _), .messages(let service, _), .documents(let service),
            .document(let service, _), .maps(let service), .map(let service, _), .mapItems(let service, _),
            .mapItem(let service, _, _):
            service
        }
    }

    /// The stream addressed, for faults limited to one stream (nil for Documents and Maps).
    var streamIdentifier: String? {
        switch self {
        case .stream(_, let stream), .messages(_, let stream): stream
        default: nil
        }
    }

    /// Whether this is a Document, Map or Map Item endpoint.
    var addressesObjects: Bool {
        switch self {
        case .streams, .stream, .messages: false
        default: true
        }
    }
}
