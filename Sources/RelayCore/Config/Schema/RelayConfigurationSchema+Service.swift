extension RelayConfigurationSchema {
    /// `metrics`: the HTTP endpoint for Prometheus and health checks.
    public static let metrics = ConfigObjectSchema([
        ConfigField("enabled", .boolean, default: true, "Serve `/metrics`, `/healthz` and `/readyz`."),
        ConfigField(
            "listen",
            .string(pattern: HostPort.pattern, meaning: "host:port or [ipv6]:port, for example 127.0.0.1:9464"),
            default: "127.0.0.1:9464",
            "Address and port to listen on, `host:port` or `[ipv6]:port`. Loopback by default; port 0 picks a free port."
        ),
    ])

    /// `log`: swift-log output.
    public static let log = ConfigObjectSchema([
        ConfigField(
            "level", .choice(of: LogConfiguration.Level.self), default: .string(LogConfiguration.Level.info.rawValue),
            "Lowest level logged. Record payloads appear only at `trace`."
        ),
        ConfigField(
            "format", .choice(of: LogConfiguration.Format.self),
            default: .string(LogConfiguration.Format.text.rawValue),
            "Plain text lines for journald, or one JSON object per line."),
    ])

    /// `shutdown`: what SIGTERM does.
    public static let shutdown = ConfigObjectSchema([
        ConfigField(
            "drainDeadline", .duration(.seconds(1)...(.seconds(600))), default: "20s",
            "On SIGTERM, how long to keep publishing what is queued before committing what is done and exiting."
        )
    ])
}
