import CLibRDKafka

/// A librdkafka configuration (`rd_kafka_conf_t`) being assembled.
///
/// Ownership: this class owns the `rd_kafka_conf_t` until `RDKafkaHandle` takes it (librdkafka then owns and frees
/// it with the client); if it is never taken, `deinit` frees it.
final class RDKafkaConfiguration {
    private(set) var pointer: OpaquePointer?

    init() throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .configuration, reason: "rd_kafka_conf_new returned nothing")
        }
        pointer = conf
    }

    /// Sets one property. The error names the property but never echoes its value (it may be a secret).
    func set(_ name: String, _ value: String) throws(KafkaError) {
        guard let pointer else { preconditionFailure("the configuration was already handed to a client") }
        var errorText = ErrorText()
        let result = rd_kafka_conf_set(pointer, name, value, &errorText.buffer, errorText.size)
        guard result == RD_KAFKA_CONF_OK else {
            throw KafkaError(code: .configuration, reason: "librdkafka rejected property \(name): \(errorText.text)")
        }
    }

    /// Sets each property in order.
    func set(_ properties: [(name: String, value: String)]) throws(KafkaError) {
        for property in properties { try set(property.name, property.value) }
    }

    /// Whether librdkafka would create a consumer from `properties`: each property is set (`rd_kafka_conf_set`:
    /// names, single values), then a consumer is created and destroyed at once without connecting (no brokers, no
    /// subscription, no close), which runs librdkafka's checks across properties (SASL mechanism, keystore and
    /// password, `max.poll.interval.ms` against `session.timeout.ms`, OIDC) and loads the TLS files (a CA,
    /// certificate or key that does not parse fails here). librdkafka's own log is silenced for it.
    static func validateConsumer(_ properties: [(name: String, value: String)]) throws(KafkaError) {
        let configuration = try RDKafkaConfiguration()
        try configuration.set(properties.filter { $0.name != "bootstrap.servers" && $0.name != "metadata.broker.list" })
        try configuration.set("log_level", "0")  // "No bootstrap.servers configured" would go to standard error
        let conf = configuration.take()
        var errorText = ErrorText()
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText.buffer, errorText.size) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .configuration, reason: "librdkafka refused the configuration: \(errorText.text)")
        }
        rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
    }

    /// Hands the configuration over; the caller passes it to `rd_kafka_new`, which takes ownership on success.
    func take() -> OpaquePointer {
        guard let taken = pointer else { preconditionFailure("the configuration was already handed to a client") }
        pointer = nil
        return taken
    }

    deinit {
        if let pointer { rd_kafka_conf_destroy(pointer) }
    }
}
