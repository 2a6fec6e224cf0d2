import Foundation

extension ObjectStore {
    /// Removes Documents, Maps (with their items) and items whose TTL has passed, as expired streams vanish: gone on
    /// every access, their names and keys free again. Scans only once something is due (`nextExpiry`).
    mutating func expire(at now: Date) {
        guard let due = nextExpiry, due <= now else { return }
        var next: Date?
        func keep(_ date: Date?) {
            guard let date else { return }
            next = min(next ?? date, date)
        }
        for (sid, document) in documents {
            if let expires = document.dateExpires, expires <= now {
                removeDocument(sid)
            } else {
                keep(document.dateExpires)
            }
        }
        for (sid, map) in maps {
            if let expires = map.dateExpires, expires <= now {
                removeMap(sid)
                continue
            }
            keep(map.dateExpires)
            for (key, item) in items[sid] ?? [:] {
                if let expires = item.dateExpires, expires <= now {
                    items[sid]?[key] = nil
                } else {
                    keep(item.dateExpires)
                }
            }
        }
        nextExpiry = next
    }
}
