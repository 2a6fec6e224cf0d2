import CLibRDKafka

/// An in-process Kafka cluster from librdkafka's mock (`rdkafka_mock.h`): it speaks the real Kafka protocol over
/// loopback TCP, so clients connect to `bootstrapServers` as to any broker.
///
/// Ownership: this class owns the mock cluster and the librdkafka handle that hosts it, and destroys both in
/// `deinit` (cluster first, as librdkafka requires). librdkafka runs the brokers on its own threads.
public final class KafkaMockCluster: @unchecked Sendable {
    // @unchecked: the two handles are written once in init and only read after; librdkafka's mock API is
    // thread-safe (it posts operations to the cluster's own thread).
    private let host: OpaquePointer
    private let cluster: OpaquePointer

    /// The `host:port,...` list to give a client as `bootstrap.servers`.
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` mock brokers on loopback.
    public init(brokers: Int = 1) throws(KafkaError) {
        guard brokers >= 1 else {
            throw KafkaError(code: .mockCluster, reason: "a mock cluster needs at least one broker")
        }
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .clientCreation, reason: "rd_kafka_conf_new returned nothing")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        // The host handle is a producer that is never used to produce; it only owns the mock cluster's threads.
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errorText, errorText.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(code: .clientCreation, reason: reason)
        }
        guard let mock = rd_kafka_mock_cluster_new(handle, Int32(brokers)) else {
            rd_kafka_destroy(handle)
            throw KafkaError(code: .mockCluster, reason: "rd_kafka_mock_cluster_new failed")
        }
        self.host = handle
        self.cluster = mock
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mock))
    }

    /// Creates `topic` with `partitions` partitions and the given replication factor.
    public func createTopic(_ topic: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let result = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), Int32(replicationFactor))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                code: .mockCluster,
                reason: "could not create topic \(topic)",
                librdkafkaCode: Int(result.rawValue)
            )
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(host)
    }
}
