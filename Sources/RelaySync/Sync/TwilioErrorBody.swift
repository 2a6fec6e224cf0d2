import Foundation

/// Twilio's JSON error body: `{"code": 20404, "message": "...", "more_info": "...", "status": 404}`.
public struct TwilioErrorBody: Sendable, Hashable, Codable {
    /// Twilio's error code (for example 54009), if present.
    public var code: Int?
    /// Twilio's message, safe to show (it never echoes credentials).
    public var message: String?
    /// A documentation URL for the code.
    public var moreInfo: String?
    /// The HTTP status Twilio reports in the body.
    public var status: Int?

    /// Creates an error body.
    public init(code: Int?, message: String?, moreInfo: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.moreInfo = moreInfo
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case code, message, status
        case moreInfo = "more_info"
    }

    /// Decodes a body, or returns `nil` when it is not Twilio's error shape.
    public static func decode(_ body: [UInt8]) -> TwilioErrorBody? {
        guard !body.isEmpty, let decoded = try? JSONDecoder().decode(TwilioErrorBody.self, from: Data(body)) else {
            return nil
        }
        return decoded.code == nil && decoded.message == nil ? nil : decoded
    }
}
