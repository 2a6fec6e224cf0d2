import CLibRDKafka
import Logging
import Synchronization

/// One librdkafka client (`rd_kafka_t`), consumer or producer, with the context its C callbacks reach.
///
/// Ownership: this class owns the `rd_kafka_t` and destroys it in `deinit`, after the owner has closed it. The
/// `callbacks` object is kept alive by this handle for as long as librdkafka can call back (its pointer is the
/// client's opaque, passed unretained). Callbacks: log lines come from librdkafka's internal threads; error, stats,
/// rebalance and delivery callbacks come from whichever thread polls the client (the owner's poll thread).
final class RDKafkaHandle: @unchecked Sendable {
    // @unchecked: `pointer` and `callbacks` are set once in init; librdkafka's API is thread-safe.
    let pointer: OpaquePointer
    let callbacks: RDKafkaCallbacks
    private let leftToExit = Atomic<Bool>(false)

    init(
        type: rd_kafka_type_t, configuration: RDKafkaConfiguration, callbacks: RDKafkaCallbacks
    ) throws(KafkaError) {
        self.callbacks = callbacks
        let conf = configuration.take()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        callbacks.install(on: conf)
        var errorText = ErrorText()
        guard let handle = rd_kafka_new(type, conf, &errorText.buffer, errorText.size) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .clientCreation, reason: errorText.text)
        }
        pointer = handle
    }

    deinit {
        // After a fatal error librdkafka 2.0.2 can neither close nor destroy a consumer whose group was cut short:
        // `rd_kafka_destroy` waits forever for a group termination that never completes, and destroying without
        // the close aborts on `!rd_kafka_assignment_in_progress` (librdkafka issues #3470, #4792). A fatally failed
        // client is therefore left to the process's exit, which follows at once (the service exits non-zero); its
        // callbacks object stays alive because librdkafka's threads may still log through it.
        // `leaveToProcessExit()` asks for the same, for a client closed in a state librdkafka cannot destroy.
        if fatalError() != nil || leftToExit.load(ordering: .relaxed) {
            _ = Unmanaged.passRetained(callbacks)
            return
        }
        rd_kafka_destroy(pointer)
    }

    /// Leaves the client to the process's exit instead of destroying it in `deinit`: it must be closed already, or
    /// be closing on a thread that holds this handle.
    func leaveToProcessExit() {
        leftToExit.store(true, ordering: .relaxed)
    }

    /// The callbacks object of a client, from the opaque librdkafka hands back.
    static func callbacks(of client: OpaquePointer?) -> RDKafkaCallbacks? {
        guard let client, let opaque = rd_kafka_opaque(client) else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// The fatal error librdkafka raised, if any.
    func fatalError() -> KafkaError? {
        var errorText = ErrorText()
        let code = rd_kafka_fatal_error(pointer, &errorText.buffer, errorText.size)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: .fatal, reason: errorText.text, librdkafkaCode: Int(code.rawValue))
    }
}

/// What a client's C callbacks call into. Subclassed per client kind; every method has a default that logs.
class RDKafkaCallbacks: @unchecked Sendable {
    // @unchecked: the logger is immutable; subclasses document their own state's thread.
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Installs the C callbacks this client uses. Subclasses add theirs and call super.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { client, level, facility, text in
            guard let callbacks = RDKafkaHandle.callbacks(of: client) else { return }
            callbacks.log(
                level: level, facility: facility.map { String(cString: $0) } ?? "",
                text: text.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { client, code, reason, _ in
            guard let callbacks = RDKafkaHandle.callbacks(of: client) else { return }
            callbacks.error(code: code, reason: reason.map { String(cString: $0) } ?? "")
        }
    }

    /// A librdkafka log line (syslog level), routed into swift-log. Called on librdkafka's threads.
    func log(level: Int32, facility: String, text: String) {
        logger.log(
            level: KafkaLogLevel.swiftLogLevel(syslog: level), "librdkafka",
            metadata: [LogKey.facility: .string(facility), LogKey.message: .string(text)]
        )
    }

    /// An error librdkafka reports (most are transient and retried by librdkafka itself). Poll thread.
    func error(code: Int32, reason: String) {
        logger.warning(
            "kafka.error", metadata: [LogKey.code: .stringConvertible(code), LogKey.message: .string(reason)])
    }
}

/// librdkafka's syslog levels as swift-log levels.
enum KafkaLogLevel {
    static func swiftLogLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
