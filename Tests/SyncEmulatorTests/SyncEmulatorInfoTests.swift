import SyncEmulator
import Testing

@Test func emulatorModuleLinks() {
    #expect(SyncEmulatorInfo.name == "sync-emulator")
}
