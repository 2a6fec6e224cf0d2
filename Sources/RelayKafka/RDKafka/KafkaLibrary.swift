import CLibRDKafka

/// Facts about the librdkafka the process is linked against.
public enum KafkaLibrary {
    /// librdkafka's version string, for example `2.0.2`.
    public static var version: String { String(cString: rd_kafka_version_str()) }
}
