import RelayCore

/// Records the benchmarks pack: realistic JSON events of about 100 bytes, and 1 KiB ones.
enum Workloads {
    /// `count` JSON records of exactly `size` bytes (an event object padded with a text field).
    static func jsonRecords(count: Int, size: Int) -> [SourceRecord] {
        (0..<count).map { index in
            let head =
                "{\"id\":\(100_000 + index % 900_000),\"user\":\"u-\(index % 977)\",\"event\":\"click\",\"pad\":\""
            let tail = "\",\"ok\":true}"
            let padding = String(repeating: "x", count: max(0, size - head.utf8.count - tail.utf8.count))
            return SourceRecord(
                topic: "events", partition: Int32(index % 12), offset: Int64(index),
                value: Array((head + padding + tail).utf8))
        }
    }
}
