/// librdkafka properties passed through from `kafka.properties`. Secret ones (`isSecret(_:)`) are masked wherever
/// the value is printed, interpolated or dumped; `all` gives the real values, for handing to librdkafka only.
public struct KafkaProperties: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    private let values: [String: String]

    /// Wraps properties by name.
    public init(_ values: [String: String]) { self.values = values }

    /// Every property with its real value, sorted by name. Never log this.
    public var all: [(name: String, value: String)] { values.keys.sorted().map { ($0, values[$0]!) } }

    /// Property names, sorted.
    public var names: [String] { values.keys.sorted() }

    /// Whether there are none.
    public var isEmpty: Bool { values.isEmpty }

    /// The value of `name` as it may be shown: masked when secret.
    public func displayValue(_ name: String) -> String? {
        guard let value = values[name] else { return nil }
        return Self.isSecret(name) ? SecretText.mask : value
    }

    /// Whether a property holds a secret.
    public static func isSecret(_ name: String) -> Bool {
        let name = name.lowercased()
        return name.contains("password") || name.contains("secret") || name.hasSuffix("key.pem")
            || name == "sasl.oauthbearer.config" || name == "sasl.jaas.config" || name == "ssl_key"
    }

    public var description: String { names.map { "\($0)=\(displayValue($0)!)" }.joined(separator: ", ") }
    public var customMirror: Mirror {
        Mirror(self, children: names.map { (label: $0, value: displayValue($0)! as Any) })
    }
}
