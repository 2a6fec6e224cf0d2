/// Facts about the emulator module.
public enum SyncEmulatorInfo {
    /// The emulator's name in logs.
    public static let name = "sync-emulator"
}
