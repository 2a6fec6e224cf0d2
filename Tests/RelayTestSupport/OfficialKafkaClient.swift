import Foundation
import RelayCore

/// Confluent's Python client (confluent-kafka, in the venv scripts/install-deps.sh makes) as an independent reader of
/// what the relay wrote to a broker: `Tests/Fixtures/kafka_read.py`.
public enum OfficialKafkaClient {
    /// One record as the reader saw it: key, value and header values as UTF-8 text (`nil` value for a tombstone).
    public struct Record: Sendable {
        public var partition: Int
        public var offset: Int
        public var key: String?
        public var value: String?
        public var headers: [String: String]
    }

    /// Reads `topic` at `bootstrap` from its beginning until `count` records arrived or `timeout` passed (then fewer).
    public static func read(bootstrap: String, topic: String, count: Int, timeout: Duration = .seconds(60))
        async throws -> [Record]
    {
        let seconds = String(timeout.components.seconds)
        return try await OfficialSerializers.run([
            "Tests/Fixtures/kafka_read.py", bootstrap, topic, String(count), seconds,
        ])
        .map { json in
            guard case .number(let partition)? = json["partition"], case .number(let offset)? = json["offset"],
                case .object(let headers)? = json["headers"]
            else { throw OfficialSerializers.Unavailable(description: "a line of kafka_read.py is malformed") }
            var headerValues: [String: String] = [:]
            for case let member in headers {
                if case .string(let value) = member.value { headerValues[member.key] = value }
            }
            return Record(
                partition: Int(partition) ?? -1, offset: Int(offset) ?? -1, key: text(json["key"]),
                value: text(json["value"]), headers: headerValues)
        }
    }

    private static func text(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }
}
