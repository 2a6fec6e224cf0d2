import Foundation

/// Recognises loopback hosts, the only ones for which TLS verification may be relaxed.
enum LoopbackHost {
    /// Whether the URL's host is `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return isLoopback(host: host)
    }

    /// Whether `host` (no brackets needed) is a loopback name or address.
    static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}
