/// A reloaded configuration, applied live.
extension RelayEngine {
    /// Routes new records by `configuration` and gives each existing stream its new settings, losing and repeating
    /// nothing:
    ///
    /// - A stream whose topic still routes to it (same name) takes the new settings at once: bounds and overflow
    ///   policy, in-flight window, retries, TTL (from its next create or refresh) and its pacer's rate and burst
    ///   (the pacer keeps its history, so the change cannot bunch messages). A new budget or message format waits
    ///   until the stream's queue is empty: queued records were encoded for the old one, and messages in flight or
    ///   waiting for a retry go out as they were built.
    /// - A stream its topic no longer routes to (the template changed) keeps its settings and sends what it holds;
    ///   new records go to the new stream.
    /// - Partitions paused by back-pressure are looked at again (new bounds may let them resume).
    ///
    /// The driver refuses reloads that change what the engine cannot (brokers, group, Twilio account: see
    /// `ConfigurationReload`); the dead-letter topic is one of those, so `settings.deadLetters` stays true.
    mutating func reconfigure(_ configuration: RelayConfiguration, now: Instant) {
        settings.configuration = configuration
        router = StreamRouter(configuration: configuration)
        for slot in streams.indices {
            guard let stream = streams[slot], let partition = stream.partitions.min(by: { $0.partition < $1.partition })
            else { continue }
            guard case .success(let route) = router.route(topic: stream.topic, partition: partition.partition),
                route.name == stream.name
            else { continue }
            let share = assignment.share(of: stream.topic)
            streams[slot]!.settings = route.settings
            streams[slot]!.lane.reconfigure(
                settings: route.settings.laneSettings(
                    deadLetterDrops: settings.deadLetters && route.settings.oversize == .deadLetter),
                pacer: route.settings.pacerSettings(share: share > 0 ? share : 1))
            let packer = route.settings.packer(epoch: settings.epoch)
            if streams[slot]!.lane.canReplacePacker {
                streams[slot]!.lane.replacePacker(packer)
                streams[slot]!.pendingPacker = nil
            } else {
                streams[slot]!.pendingPacker = packer
            }
            reschedule(slot, now: now)
        }
        if !paused.isEmpty { resumeCheckNeeded = true }
    }
}
