import RelayCore

/// One stream's state in the pipeline: its lane, the partitions feeding it, and work for its worker.
///
/// Lives inside `RelayPipeline`'s lock and is only touched with it held. A class, not a struct: reading one field
/// through `state.streams[name]?` copied the whole entry (its lane's queues included, a retain per field) several
/// times per message (docs/performance.md).
final class StreamEntry {
    let name: String
    let topic: String
    let settings: StreamSettings
    var lane: StreamLane
    let wakeup = Wakeup()
    /// Partitions whose records this stream has received (to discard on revoke and resume after back-pressure).
    var partitions: Set<TopicPartition> = []
    /// Records dropped by the lane, waiting for the worker to dead-letter or count them (offers happen on the poll
    /// thread, which must not wait for a dead-letter write).
    var drops: [DroppedRecord] = []
    /// How often each in-flight message needed its stream recreated.
    var recreations: [UInt64: Int] = [:]
    /// What the worker decided at its last look.
    enum WorkerPlan {
        /// It has work in hand and will look again before it sleeps.
        case working
        /// It sleeps until this time (nil: until signalled).
        case sleeping(until: Instant?)
    }

    var workerPlan = WorkerPlan.working

    /// Whether the worker must be woken, judged at `now` after an acknowledgement: only when its next send can now
    /// go earlier than it planned (a freed window slot, the arrival guard letting go). A send moved later needs no
    /// wake-up: the worker looks again when it wakes. Most acknowledgements under backlog change nothing: the
    /// pacer's next token is what the worker waits for.
    func workerMustWake(now: Instant) -> Bool {
        guard case .sleeping(let planned) = workerPlan, let wake = lane.nextWake(now: now) else { return false }
        guard let planned else { return true }
        return wake < planned
    }

    init(name: String, topic: String, settings: StreamSettings, lane: StreamLane) {
        self.name = name
        self.topic = topic
        self.settings = settings
        self.lane = lane
    }
}
