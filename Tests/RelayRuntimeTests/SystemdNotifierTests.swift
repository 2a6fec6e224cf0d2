import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import RelayRuntime

@Suite("systemd notifier", .timeLimit(.minutes(1)))
struct SystemdNotifierTests {
    static let quietLogger = Logger(label: "systemd-notifier-test") { _ in SwiftLogNoOpLogHandler() }

    func notifier(
        _ receiver: DatagramReceiver, watchdogMicroseconds: Int? = nil,
        isAlive: @escaping @Sendable () -> Bool = { true }
    ) -> SystemdNotifier {
        var environment = [SystemdNotifier.socketVariable: receiver.notifySocket]
        if let watchdogMicroseconds { environment[SystemdNotifier.watchdogVariable] = String(watchdogMicroseconds) }
        return SystemdNotifier(environment: environment, processID: 42, logger: Self.quietLogger, isAlive: isAlive)
    }

    @Test func sendsReadyStatusAndStoppingToAPathSocket() async throws {
        let receiver = try DatagramReceiver()
        let notifier = notifier(receiver)
        #expect(notifier.isEnabled)
        #expect(notifier.notifyReady(status: "consuming 3 topics"))
        #expect(try await receiver.next() == "READY=1\nSTATUS=consuming 3 topics")
        #expect(notifier.notifyStatus("draining\n12 messages"))
        #expect(try await receiver.next() == "STATUS=draining 12 messages")
        #expect(notifier.notifyStopping())
        #expect(try await receiver.next() == "STOPPING=1")
        #expect(!notifier.notifyStopping())
        #expect(notifier.notifyWatchdog())
        #expect(try await receiver.next() == "WATCHDOG=1")
    }

    #if os(Linux)
        @Test func sendsToAnAbstractSocket() async throws {
            let receiver = try DatagramReceiver(abstract: true)
            #expect(receiver.notifySocket.hasPrefix("@"))
            let notifier = notifier(receiver)
            #expect(notifier.notifyReady())
            #expect(try await receiver.next() == "READY=1")
        }
    #endif

    @Test func reportsHealthChanges() async throws {
        let receiver = try DatagramReceiver()
        let notifier = notifier(receiver)
        let health = HealthState { notifier.healthChanged($0) }
        health.setReady(.kafka)
        #expect(try await receiver.next() == "STATUS=not ready: twilio: starting")
        health.setReady(.twilio)
        #expect(try await receiver.next() == "READY=1\nSTATUS=ready")
        health.setNotReady(.twilio, reason: "credentials rejected (20003)")
        #expect(try await receiver.next() == "STATUS=not ready: twilio: credentials rejected (20003)")
    }

    @Test func pingsTheWatchdogUntilGracefulShutdownThenSaysStopping() async throws {
        let receiver = try DatagramReceiver()
        let notifier = notifier(receiver, watchdogMicroseconds: 20_000)
        #expect(notifier.watchdogInterval == .milliseconds(10))
        let group = ServiceGroup(services: [notifier], logger: Self.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<3 {
                #expect(try await receiver.next() == "WATCHDOG=1")
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let rest = receiver.drain()
        #expect(rest.last == "STOPPING=1")
        #expect(rest.dropLast().allSatisfy { $0 == "WATCHDOG=1" })
    }

    @Test func skipsPingsWhileNotAlive() async throws {
        let receiver = try DatagramReceiver()
        let checks = Mutex(0)
        let notifier = notifier(receiver, watchdogMicroseconds: 10_000) {
            checks.withLock { count in
                count += 1
                return count > 3
            }
        }
        let group = ServiceGroup(services: [notifier], logger: Self.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(try await receiver.next() == "WATCHDOG=1")
            #expect(checks.withLock { $0 } >= 4)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func withoutASocketNothingIsSentAndRunWaitsForShutdown() async throws {
        let notifier = SystemdNotifier(
            environment: [SystemdNotifier.watchdogVariable: "1000000"], processID: 42, logger: Self.quietLogger)
        #expect(!notifier.isEnabled)
        #expect(!notifier.notifyReady())
        let group = ServiceGroup(services: [notifier], logger: Self.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func watchdogIntervalIsHalfTheTimeoutForThisProcessOnly() {
        typealias Notifier = SystemdNotifier
        #expect(Notifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"], processID: 7) == .seconds(15))
        #expect(
            Notifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], processID: 7)
                == .seconds(15))
        #expect(
            Notifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"], processID: 7)
                == nil)
        #expect(Notifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"], processID: 7) == nil)
        #expect(Notifier.watchdogInterval(environment: ["WATCHDOG_USEC": "soon"], processID: 7) == nil)
        #expect(Notifier.watchdogInterval(environment: [:], processID: 7) == nil)
    }

    @Test func acceptsOnlyPathAndAbstractSocketNames() {
        #expect(NotifySocketAddress("/run/systemd/notify") != nil)
        #expect(NotifySocketAddress("@/org/freedesktop/systemd1/notify")?.pathBytes.first == 0)
        #expect(NotifySocketAddress("vsock:2:1234") == nil)
        #expect(NotifySocketAddress("@") == nil)
        #expect(NotifySocketAddress("/" + String(repeating: "x", count: 200)) == nil)
    }

    @Test func aMissingListenerIsAFailureNotAHang() throws {
        let receiver = try DatagramReceiver()
        let path = receiver.notifySocket + "-absent"
        let notifier = SystemdNotifier(
            environment: [SystemdNotifier.socketVariable: path], processID: 42, logger: Self.quietLogger)
        #expect(notifier.isEnabled)
        #expect(!notifier.notifyReady())
    }
}
