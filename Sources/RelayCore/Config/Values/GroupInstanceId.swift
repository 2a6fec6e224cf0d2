/// `kafka.instanceId`: the consumer's static group membership id (librdkafka's `group.instance.id`), written as text
/// with an optional `{hostname}` placeholder that the loader replaces with the machine's host name.
///
/// A static member that restarts within `session.timeout.ms` gets its partitions back without a rebalance; two
/// members with the same id fence each other, so each relay of a group needs its own (one relay per host:
/// `{hostname}`; several on one host: `{hostname}-a`, `{hostname}-b`).
public enum GroupInstanceId {
    /// The placeholder for the host name.
    public static let hostNamePlaceholder = "{hostname}"
    /// What the written value may contain (JSON Schema form): Kafka's id characters and the placeholder.
    public static let pattern = "^([A-Za-z0-9._-]|\\{hostname\\})+$"
    /// The plain-English form of `pattern`.
    public static let meaning = "letters, digits, '.', '_', '-' and the placeholder {hostname}"
    /// Kafka's limit on the id's length.
    public static let maxLength = 249

    /// The id `template` renders to on a machine called `hostName`, or why it cannot be one.
    public static func render(_ template: String, hostName: String?) -> Result<String, Problem> {
        var id = template
        if template.contains(hostNamePlaceholder) {
            guard let hostName, !hostName.isEmpty else { return .failure(.hostNameUnknown) }
            id = template.replacing(hostNamePlaceholder, with: hostName)
        }
        if let bad = id.unicodeScalars.first(where: { !isAllowed($0) }) {
            return .failure(.character(id: id, character: String(bad)))
        }
        guard id.utf8.count <= maxLength else { return .failure(.tooLong(id: id)) }
        guard id != "." && id != ".." else { return .failure(.dots) }
        return .success(id)
    }

    /// Why a template does not give an id.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// `{hostname}` was used but the host name could not be read.
        case hostNameUnknown
        /// The rendered id holds a character Kafka refuses (from the host name).
        case character(id: String, character: String)
        /// The rendered id is longer than Kafka allows.
        case tooLong(id: String)
        /// `.` or `..`, which Kafka refuses.
        case dots

        public var description: String {
            switch self {
            case .hostNameUnknown:
                "uses {hostname} but this machine's host name could not be read; write the id out"
            case .character(let id, let character):
                "renders to '\(id)', whose '\(character)' Kafka does not allow in an instance id (letters, digits, '.', '_', '-'); write the id out"
            case .tooLong(let id):
                "renders to \(id.utf8.count) characters; Kafka allows at most \(GroupInstanceId.maxLength)"
            case .dots:
                "'.' and '..' are not valid instance ids"
            }
        }
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}
