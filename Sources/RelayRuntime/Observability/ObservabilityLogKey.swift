/// Metadata keys of the observability services' log lines (metrics server, systemd notifier), declared once.
enum ObservabilityLogKey {
    static let address = "metrics.address"
    static let port = "metrics.port"
    static let notifySocket = "systemd.socket"
    static let notifyState = "systemd.state"
    static let watchdogInterval = "systemd.watchdog.interval"
    static let error = "systemd.error"
}
