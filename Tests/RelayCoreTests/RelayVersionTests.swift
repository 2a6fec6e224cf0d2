import RelayCore
import Testing

@Test func versionIsSemantic() {
    #expect(RelayVersion.current.split(separator: ".").count == 3)
}
