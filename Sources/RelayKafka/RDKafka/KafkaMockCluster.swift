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
        var errorText = ErrorText()
        // The host handle is a producer that is never used to produce; it only owns the mock cluster's threads.
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errorText.buffer, errorText.size)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText.buffer, errorText.size) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .clientCreation, reason: errorText.text)
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

    /// Takes broker `id` (1-based) down: its connections are closed and it refuses new ones until `setBrokerUp`.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster, id), "could not take broker \(id) down")
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster, id), "could not bring broker \(id) up")
    }

    /// Moves the leadership of `topic`'s `partition` to broker `id`.
    public func setPartitionLeader(topic: String, partition: Int32, broker id: Int32) throws(KafkaError) {
        try check(
            rd_kafka_mock_partition_set_leader(cluster, topic, partition, id),
            "could not move the leader of \(topic)[\(partition)]")
    }

    /// Makes the next `errors.count` requests of Kafka API `apiKey` (e.g. 1 = Fetch, 8 = OffsetCommit) fail with
    /// these librdkafka error codes, in order, on whichever broker receives them.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, codes)
    }

    /// Adds `milliseconds` of round-trip time to broker `id`.
    public func setBrokerRoundTripTime(_ id: Int32, milliseconds: Int32) throws(KafkaError) {
        try check(
            rd_kafka_mock_broker_set_rtt(cluster, id, milliseconds), "could not set broker \(id)'s round-trip time")
    }

    /// The coordinator's KIP-848 timings (the broker's `group.consumer.heartbeat.interval.ms` and
    /// `group.consumer.session.timeout.ms`; the mock's defaults are 3 s and 30 s).
    public func setConsumerGroupTimings(heartbeatMilliseconds: Int32, sessionMilliseconds: Int32) {
        rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(cluster, heartbeatMilliseconds)
        rd_kafka_mock_set_group_consumer_session_timeout_ms(cluster, sessionMilliseconds)
    }

    private func check(_ result: rd_kafka_resp_err_t, _ reason: String) throws(KafkaError) {
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: .mockCluster, reason: reason, librdkafkaCode: Int(result.rawValue))
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(host)
    }
}
