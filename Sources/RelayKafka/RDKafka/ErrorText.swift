/// A buffer librdkafka writes an error message into (`errstr`, `errstr_size`).
struct ErrorText {
    /// The buffer to pass as `errstr`.
    var buffer = [CChar](repeating: 0, count: 512)
    /// Its size, to pass as `errstr_size`.
    var size: Int { buffer.count }

    /// The message librdkafka wrote.
    var text: String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
