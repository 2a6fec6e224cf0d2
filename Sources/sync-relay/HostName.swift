import Glibc

/// The machine's host name as `hostname` prints it, for `{hostname}` in `kafka.instanceId`; nil when it cannot be
/// read.
enum HostName {
    static var current: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        buffer[buffer.count - 1] = 0
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
