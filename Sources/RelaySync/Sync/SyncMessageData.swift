import Foundation

/// The `Data` of one Stream Message: JSON text of an object, at most `maximumByteCount` UTF-8 bytes.
///
/// Twilio would reject anything else (54008 not an object, 54006 too large); checking locally saves a round trip and
/// gives a precise answer with the byte count.
public struct SyncMessageData: Sendable, Hashable {
    /// Twilio's limit on a message's serialised JSON, in bytes.
    public static let maximumByteCount = 4096

    /// The exact JSON text sent.
    public let json: String

    /// The size that Twilio measures: UTF-8 bytes of `json`.
    public var byteCount: Int { json.utf8.count }

    /// Validates `json`: it must parse, be an object and fit in 4096 bytes.
    public init(validating json: String) throws(SyncError) {
        let size = json.utf8.count
        guard size <= Self.maximumByteCount else {
            throw SyncError(
                code: .messageTooLarge,
                reason: "message is \(size) bytes; Twilio accepts at most \(Self.maximumByteCount) bytes")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [])
        } catch {
            throw SyncError(code: .invalidRequest, reason: "message is not valid JSON")
        }
        guard parsed is [String: Any] else {
            throw SyncError(code: .invalidRequest, reason: "message must be a JSON object ({...})")
        }
        self.json = json
    }

    /// Wraps JSON that the caller guarantees is an object within the size limit (the packer's output); only the
    /// size is checked.
    public init(trustedJSON json: String) throws(SyncError) {
        let size = json.utf8.count
        guard size <= Self.maximumByteCount else {
            throw SyncError(
                code: .messageTooLarge,
                reason: "message is \(size) bytes; Twilio accepts at most \(Self.maximumByteCount) bytes")
        }
        self.json = json
    }
}
