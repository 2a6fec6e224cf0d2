/// The relay's version, printed by `sync-relay --version` and sent in the HTTP User-Agent.
public enum RelayVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
