import RelayCore

/// One stream's state in the pipeline: its lane, the partitions feeding it, and work for its worker.
/// Lives inside `RelayPipeline`'s lock.
struct StreamEntry {
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
}
