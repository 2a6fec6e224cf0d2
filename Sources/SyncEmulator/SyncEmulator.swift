import Hummingbird

/// The local Sync API emulator (built out by the Twilio-side work).
public enum SyncEmulatorInfo {
    /// The emulator's name in logs.
    public static let name = "sync-emulator"
}
