import RelayRuntime
import Synchronization
import Testing

@Suite("Health state")
struct HealthStateTests {
    @Test func readyOnlyWhenEveryComponentIs() {
        let changes = Mutex<[Bool]>([])
        let health = HealthState { snapshot in changes.withLock { $0.append(snapshot.isReady) } }
        #expect(!health.snapshot.isReady)
        health.setReady(.kafka)
        #expect(health.snapshot.problems == [.twilio: "starting"])
        health.setReady(.twilio)
        #expect(health.snapshot.isReady)
        health.setNotReady(.twilio, reason: "Twilio answered 401 (20003): credentials rejected")
        #expect(health.snapshot.problems[.twilio]?.contains("401") == true)
        #expect(changes.withLock { $0.last } == false)
        #expect(changes.withLock { $0.contains(true) })
    }
}
