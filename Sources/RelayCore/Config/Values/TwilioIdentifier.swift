/// Twilio's identifier rules: SIDs are two uppercase letters and 32 hexadecimal digits.
public enum TwilioIdentifier {
    /// An Account SID.
    public static let accountPattern = "^AC[0-9a-fA-F]{32}$"
    /// An API Key SID.
    public static let apiKeyPattern = "^SK[0-9a-fA-F]{32}$"
    /// A Sync Service SID, or the `default` alias.
    public static let servicePattern = "^(IS[0-9a-fA-F]{32}|default)$"
    /// Longest unique name Twilio accepts for a stream.
    public static let maximumUniqueNameLength = 320

    /// Whether `text` has the shape of any SID; Twilio rejects such unique names (54302) because they would be
    /// ambiguous in URLs.
    public static func looksLikeSID(_ text: some StringProtocol) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 34 else { return false }
        return scalars[0..<2].allSatisfy { ("A"..."Z").contains($0) }
            && scalars[2...].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// Why `name` cannot be a stream unique name, or nil when it can.
    public static func uniqueNameProblem(_ name: some StringProtocol) -> String? {
        if name.isEmpty { return "a stream unique name cannot be empty" }
        if name.count > maximumUniqueNameLength {
            return
                "\(name.count) characters is longer than Twilio's \(maximumUniqueNameLength)-character limit for unique names"
        }
        if looksLikeSID(name) { return "'\(name)' looks like a SID, which Twilio refuses as a unique name" }
        return nil
    }
}
