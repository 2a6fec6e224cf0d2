import Foundation
import RelayCore
import RelayTimers
import Synchronization

/// Fakes of the driver's ports, for `DriverTests`: no Kafka, no HTTP. Each records what the driver asked, in
/// order, and answers from threads of its own, as the real adapters do (libcurl's loop, the producer, the timer).

/// Twilio's Documents and Maps: a store that keeps every value it is given (revision `r<id>`), answering from a
/// thread of its own; item keys (or Document names) map to the `Data` last stored.
final class FakeSnapshotWriter: SnapshotWriter {
    private let state = Mutex<(requests: [SnapshotRequest], stored: [String: [UInt8]], maps: Set<String>)>(
        ([], [:], []))

    var requests: [SnapshotRequest] { state.withLock { $0.requests } }
    var stored: [String: [UInt8]] { state.withLock { $0.stored } }

    func write(_ request: SnapshotRequest, answer: @escaping @Sendable (SnapshotAnswer) -> Void) {
        let name = request.target.key ?? request.target.object
        let reply: SnapshotAnswer = state.withLock { state in
            state.requests.append(request)
            if request.target.kind == .map, request.target.key != nil, !state.maps.contains(request.target.object) {
                return .mapMissing
            }
            switch request.operation {
            case .createMap:
                return state.maps.insert(request.target.object).inserted ? .stored(revision: "m\(request.id)") : .exists
            case .create(let data):
                guard state.stored[name] == nil else { return .exists }
                state.stored[name] = data
                return .stored(revision: "r\(request.id)")
            case .update(let data, _):
                guard state.stored[name] != nil else { return .missing }
                state.stored[name] = data
                return .stored(revision: "r\(request.id)")
            case .read:
                guard let data = state.stored[name], let value = try? JSONParser.parse(data) else { return .missing }
                return .current(revision: "read", version: SnapshotVersion(data: value))
            case .delete:
                state.stored[name] = nil
                return .deleted
            }
        }
        Thread.detachNewThread { answer(reply) }
    }
}

/// Twilio: every request is recorded; `script` says how to answer it (nil: hold it until the test answers).
final class FakePublisher: StreamPublisher {
    enum Request: Sendable {
        case publish(PublishRequest)
        case create(String)
        case refresh(String)
        case probe
    }

    struct Held: Sendable {
        var request: Request
        var answer: @Sendable (PublishOutcome) -> Void
    }

    private let script: @Sendable (Request) -> PublishOutcome?
    private let state = Mutex<(requests: [Request], held: [Held])>(([], []))

    init(script: @escaping @Sendable (Request) -> PublishOutcome? = { _ in .accepted }) { self.script = script }

    var requests: [Request] { state.withLock { $0.requests } }
    var published: [PublishRequest] {
        requests.compactMap { if case .publish(let request) = $0 { request } else { nil } }
    }
    var heldCount: Int { state.withLock { $0.held.count } }

    /// Answers every held request with `outcome`, each from a thread of its own.
    func answerHeld(_ outcome: PublishOutcome) {
        let held = state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
        for request in held { Thread.detachNewThread { request.answer(outcome) } }
    }

    private func take(_ request: Request, _ answer: @escaping @Sendable (PublishOutcome) -> Void) {
        state.withLock { $0.requests.append(request) }
        guard let outcome = script(request) else {
            state.withLock { $0.held.append(Held(request: request, answer: answer)) }
            return
        }
        Thread.detachNewThread { answer(outcome) }
    }

    func publish(_ request: PublishRequest, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        take(.publish(request), answer)
    }
    func createStream(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        take(.create(name), answer)
    }
    func refreshTTL(_ name: String, ttl: Duration, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        take(.refresh(name), answer)
    }
    func probe(answer: @escaping @Sendable (PublishOutcome, String?) -> Void) {
        take(.probe) { outcome in answer(outcome, outcome == .accepted ? nil : "the fake said \(outcome)") }
    }
}

/// The consumer's fetch control: every pause and resume, in order.
final class FakePartitionControl: PartitionControl {
    enum Call: Sendable, Equatable {
        case pause([TopicPartition])
        case resume([TopicPartition])
    }

    private let state = Mutex<[Call]>([])
    var calls: [Call] { state.withLock { $0 } }
    func pause(_ partitions: [TopicPartition]) { state.withLock { $0.append(.pause(partitions)) } }
    func resume(_ partitions: [TopicPartition]) { state.withLock { $0.append(.resume(partitions)) } }

    /// The partitions paused after every call so far.
    var paused: Set<TopicPartition> {
        calls.reduce(into: Set<TopicPartition>()) { paused, call in
            switch call {
            case .pause(let partitions): paused.formUnion(partitions)
            case .resume(let partitions): paused.subtract(partitions)
            }
        }
    }
}

/// The consumer's committer: every hand-over, in order, and the latest offset per partition.
final class FakeCommitter: OffsetCommitter {
    private let state = Mutex<[[TopicPartition: Int64]]>([])
    var handedOver: [[TopicPartition: Int64]] { state.withLock { $0 } }
    var latest: [TopicPartition: Int64] {
        handedOver.reduce(into: [:]) { latest, offsets in latest.merge(offsets) { $1 } }
    }
    func commit(_ offsets: [TopicPartition: Int64]) { state.withLock { $0.append(offsets) } }
}

/// The timer: every request recorded; it fires on the timer thread at the instant asked (the pipeline's clock is
/// the process's), replacing the previous request as the port says.
final class FakeWakeTimer: WakeTimer {
    private let clock: MonotonicClock
    private let state = Mutex<(requests: [Instant], pending: OneShotTimer?)>(([], nil))

    init(clock: MonotonicClock) { self.clock = clock }

    var requests: [Instant] { state.withLock { $0.requests } }

    func wake(at instant: Instant, _ fire: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.requests.append(instant)
            state.pending?.cancel()
            state.pending = Timers.at(clock.continuousInstant(for: instant), fire)
        }
    }

    func cancel() {
        state.withLock { state in
            state.pending?.cancel()
            state.pending = nil
        }
    }
}

/// The Schema Registry: the first `unreachable` fetches find it unreachable, then it answers with `schema`.
final class FakeSchemaSource: SchemaSource {
    private let schema: RegistrySchema
    private let state: Mutex<(unreachable: Int, fetches: [UInt32])>

    init(schema: RegistrySchema, unreachable: Int) {
        self.schema = schema
        state = Mutex((unreachable, []))
    }

    var fetches: [UInt32] { state.withLock { $0.fetches } }

    func fetch(_ id: UInt32, answer: @escaping @Sendable (SchemaFetch) -> Void) {
        let reachable = state.withLock { state -> Bool in
            state.fetches.append(id)
            guard state.unreachable > 0 else { return true }
            state.unreachable -= 1
            return false
        }
        let schema = schema
        Thread.detachNewThread {
            answer(reachable ? .answered(.found(schema), outcome: "found") : .unreachable(reason: "connection refused"))
        }
    }
}
