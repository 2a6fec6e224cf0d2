import Foundation
import Synchronization

/// The local Sync API (Streams, Documents, Maps and Map Items): Twilio's endpoints, JSON shapes and rules, plus
/// read-back and fault injection.
///
/// This type holds the state and rules and needs no socket; `SyncEmulatorServer` serves it over HTTP. All methods
/// are thread-safe (one lock around the state) and never block for long.
public final class SyncEmulator: Sendable {
    /// The rules in force.
    public let configuration: SyncEmulatorConfiguration
    /// The clock for dates, TTL expiry and rate windows.
    public let clock: any EmulatorClock
    let state = Mutex(EmulatorState())
    /// The credentials accepted now: `configuration.credentials` until `replaceCredentials` (apart from the state,
    /// so that `reset` keeps them).
    let acceptedCredentials: Mutex<[SyncEmulatorConfiguration.Credential]>
    /// Subscribers of the live feed.
    let feed = LiveFeed()
    /// Sync API requests between arrival and answer (`SyncEmulator+Concurrency.swift`).
    let requestsInFlight = Mutex(0)

    /// Creates an emulator.
    public init(
        configuration: SyncEmulatorConfiguration = SyncEmulatorConfiguration(),
        clock: any EmulatorClock = SystemEmulatorClock()
    ) {
        self.configuration = configuration
        self.clock = clock
        acceptedCredentials = Mutex(configuration.credentials)
    }

    /// The manual clock, when the emulator was created with one.
    public var manualClock: ManualEmulatorClock? { clock as? ManualEmulatorClock }

    // MARK: Control

    /// The messages a stream (SID or unique name, even if since deleted or expired) accepted, oldest first.
    public func messages(stream: String) -> [AcceptedMessage] {
        state.withLock { state in
            state.readBackSID(stream).flatMap { state.messages[$0] } ?? []
        }
    }

    /// Request, acceptance and rejection totals.
    public func stats() -> EmulatorStats {
        let now = clock.now()
        return state.withLock { state in
            state.expire(at: now)
            return EmulatorStats(
                requests: state.requestCount, accepted: state.acceptedTotal, rejections: state.rejections,
                streams: state.streams.count, created: state.createdTotal, documents: state.objects.documents.count,
                maps: state.objects.maps.count, objectWrites: state.objects.writesTotal)
        }
    }

    /// The credentials accepted now.
    public var credentials: [SyncEmulatorConfiguration.Credential] { acceptedCredentials.withLock { $0 } }

    /// Accepts `credentials` and only them from now on, as Twilio does once an API key is created or deleted or the
    /// auth token is rotated: a request whose `Authorization` names none of them is answered 401 (20003). A request
    /// already past the check is answered as before. `reset` keeps them.
    public func replaceCredentials(_ credentials: [SyncEmulatorConfiguration.Credential]) {
        acceptedCredentials.withLock { $0 = credentials }
    }

    /// Forgets every stream, message, Document, Map, write log, count and fault (not the accepted credentials).
    public func reset() {
        state.withLock { $0 = EmulatorState() }
    }

    /// Installs a fault; returns its ID.
    @discardableResult
    public func injectFault(_ fault: EmulatorFault) -> Int {
        state.withLock { state in
            let id = state.nextFaultID
            state.nextFaultID += 1
            state.faults.append(ActiveFault(id: id, fault: fault, remaining: fault.count))
            return id
        }
    }

    /// The faults still installed.
    public func faults() -> [EmulatorFault] {
        state.withLock { $0.faults.map(\.fault) }
    }

    /// Removes every fault.
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    // MARK: Faults

    /// Decides which faults apply to an API request (consuming their counts).
    func decideFaults(for request: EmulatorRequest) -> FaultDecision {
        let target = SyncRoute(request: request).flatMap(\.streamIdentifier)
        return state.withLock { state in
            var decision = FaultDecision()
            guard !state.faults.isEmpty else { return decision }
            let targetSID = target.flatMap { state.stream($0)?.sid }
            let targetName = target.flatMap { state.stream($0)?.uniqueName }
            for index in state.faults.indices {
                let fault = state.faults[index].fault
                if let wanted = fault.stream {
                    guard let target, wanted == target || wanted == targetSID || wanted == targetName else { continue }
                }
                guard state.faults[index].fires() else { continue }
                var random = SystemRandomNumberGenerator()
                if let latency = state.faults[index].latency(using: &random) {
                    if fault.delaysTheAnswer == true {
                        decision.answerLatency = latency
                    } else {
                        decision.latency = latency
                    }
                }
                if fault.dropConnection == true { decision.dropConnection = true }
                if let status = fault.status, decision.response == nil {
                    let code = fault.code ?? status * 100
                    decision.response = .twilioError(
                        status, code: code, fault.message ?? "Injected fault", retryAfter: fault.retryAfter)
                    state.rejections[code, default: 0] += 1
                }
            }
            state.faults.removeAll { $0.isExhausted }
            if decision.dropConnection || decision.response != nil { state.requestCount += 1 }
            return decision
        }
    }
}
