/// A bounded map that keeps the most recently used entries: two generations of at most `capacity / 2` entries each;
/// when the young one fills, the old one is forgotten and the young one takes its place (an entry found in the old
/// generation moves to the young one). O(1) per call, no per-entry bookkeeping.
struct GenerationalCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]

    init(capacity: Int) { self.capacity = max(capacity, 2) }

    /// Entries remembered.
    var count: Int { young.count + old.count }

    /// Remembers `value` for `key`.
    mutating func insert(_ key: Key, _ value: Value) {
        old[key] = nil
        young[key] = value
        if young.count >= capacity / 2 {
            old = young
            young = [:]
        }
    }

    /// The value of `key`, moved to the young generation when it was in the old one.
    mutating func value(for key: Key) -> Value? {
        if let value = young[key] { return value }
        guard let value = old.removeValue(forKey: key) else { return nil }
        insert(key, value)
        return value
    }

    /// Takes `key` out of the cache, returning its value.
    mutating func take(_ key: Key) -> Value? {
        if let value = young.removeValue(forKey: key) { return value }
        return old.removeValue(forKey: key)
    }
}
