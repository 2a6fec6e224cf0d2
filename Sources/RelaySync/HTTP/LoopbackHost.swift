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
        if bare == "localhost" || bare == "::1" { return true }
        // 127.0.0.0/8 as a dotted quad only: "127.0.0.1.example.com" is a name, not a loopback address.
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}
