import CLibRDKafka

/// Facts about the librdkafka the process is linked against.
public enum KafkaLibrary {
    /// librdkafka's version string, for example `2.14.2` (the pinned build of scripts/build-librdkafka.sh, linked
    /// statically: docs/decisions/0010-a-pinned-librdkafka.md).
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// What this build of librdkafka can do (its `builtin.features`: `ssl`, `sasl_scram`, `oidc`, ...). Debian 12's
    /// 2.0.2 had no `oidc`: it was built without the libcurl support that OAUTHBEARER's OIDC method needs.
    public static var builtinFeatures: Set<String> { Set(builtinFeatureList) }

    /// `builtin.features` in librdkafka's own order.
    public static var builtinFeatureList: [String] {
        guard let conf = rd_kafka_conf_new() else { return [] }
        defer { rd_kafka_conf_destroy(conf) }
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard rd_kafka_conf_get(conf, "builtin.features", &buffer, &size) == RD_KAFKA_CONF_OK else { return [] }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: ",").map(String.init)
    }

    /// One line for `--version` and `check`: `librdkafka 2.14.2 (gzip, snappy, ssl, ..., oidc)`.
    public static var summary: String { "librdkafka \(version) (\(builtinFeatureList.joined(separator: ", ")))" }
}
