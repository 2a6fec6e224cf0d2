import Foundation
import RelayCore

/// Twilio's official Python SDK (`twilio`, in the venv `scripts/install-deps.sh` makes) as an independent reader of
/// a Sync service's Documents, Maps and Map Items: `Tests/Fixtures/twilio_sync_read.py`.
public enum OfficialTwilioSync {
    /// What the SDK read from the service at `baseURL` (the emulator, on loopback), as the script's one JSON object's
    /// text; the script also updates `updateDocument` with a stale, then with the current `If-Match`.
    public static func read(
        baseURL: String, accountSID: String, authToken: String, serviceSID: String, updateDocument: String
    ) async throws -> String {
        let lines = try await OfficialSerializers.run([
            "Tests/Fixtures/twilio_sync_read.py", baseURL, accountSID, authToken, serviceSID, updateDocument,
        ])
        guard lines.count == 1 else {
            throw OfficialSerializers.Unavailable(
                description: "twilio_sync_read.py printed \(lines.count) JSON lines, not 1")
        }
        return lines[0].text()
    }
}
