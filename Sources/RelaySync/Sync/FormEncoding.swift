/// `application/x-www-form-urlencoded` and URL path encoding, as Twilio's API expects.
enum FormEncoding {
    /// Encodes fields in order as `Name=value&...`.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything except RFC 3986's unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        appendPercentEncoded(text.utf8, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// A form body of one field, `name=value`, encoded straight from `value`'s bytes (no String in between).
    static func body(name: String, value: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(name.utf8.count + 1 + value.count * 3)
        appendPercentEncoded(name.utf8, to: &output)
        output.append(UInt8(ascii: "="))
        appendPercentEncoded(value, to: &output)
        return output
    }

    /// A form body of `fields` in order, `name=value&...`, each value encoded straight from its bytes (a snapshot's
    /// `Data` beside its key and TTL).
    static func body(_ fields: [(String, [UInt8])]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + 2 + $1.1.count * 3 })
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            appendPercentEncoded(name.utf8, to: &output)
            output.append(UInt8(ascii: "="))
            appendPercentEncoded(value, to: &output)
        }
        return output
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends `bytes` percent-encoded (everything except RFC 3986's unreserved characters) to `output`.
    static func appendPercentEncoded(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
    }
}
