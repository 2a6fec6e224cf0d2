/// A reloaded configuration, applied live.
extension RelayEngine {
    /// Routes new records by `configuration` and gives each existing stream its new settings; the reload itself
    /// drops nothing and sends nothing twice:
    ///
    /// - A stream whose topic still routes to it (same name) takes the new settings at once: bounds and overflow
    ///   policy, in-flight window, retries, its pacer's rate and burst (the pacer keeps its history, so the change
    ///   cannot bunch messages), and the TTL (set at Twilio with the next accepted publish). A new budget or
    ///   message format re-encodes the queued records (`StreamLane.replacePacker`), once no chunk of a split record
    ///   cut for the old budget is waiting; messages in flight or waiting for a retry go out as they were built.
    ///   The new policies then apply to what is queued, as they would have from the start: a lower bound under
    ///   `drop-oldest` drops the excess at the next record, a shorter `maxAge` expires older records, a record no
    ///   longer fitting the budget follows the oversize policy.
    /// - A stream with no partition at the moment (revoked in a rebalance) takes them with its next record.
    /// - A stream its topic no longer routes to (the template changed) keeps its settings and sends what it holds;
    ///   new records go to the new stream.
    /// - Partitions paused by back-pressure are looked at again (new bounds may let them resume).
    ///
    /// The driver refuses reloads that change what the engine cannot (the dead-letter topic among them: see
    /// `ConfigurationReload`), so `settings.deadLetters` stays true to the configuration.
    mutating func reconfigure(_ configuration: RelayConfiguration, now: Instant, into actions: inout [EngineAction]) {
        settings.configuration = configuration
        router = StreamRouter(configuration: configuration)
        configurationGeneration &+= 1
        for slot in streams.liveSlots {
            let stream = streams[slot]
            guard let partition = stream.partitions.min(by: { $0.partition < $1.partition })
            else { continue }
            let settings = router.settings(forTopic: stream.topic)
            if stream.keyed {
                // Its route still names streams with the same template: the stream is still its.
                guard settings.stream == stream.settings.stream else { continue }
            } else {
                guard router.name(topic: stream.topic, partition: partition.partition) == stream.name else { continue }
            }
            apply(settings, to: slot, now: now, into: &actions)
        }
        flow.noteRoom()
    }

    /// Gives stream `slot` `streamSettings` from now on (see `reconfigure`).
    mutating func apply(
        _ streamSettings: StreamSettings, to slot: Int, now: Instant, into actions: inout [EngineAction]
    ) {
        let old = streams[slot].settings
        streams[slot].settings = streamSettings
        streams[slot].generation = configurationGeneration
        if old.ttl != streamSettings.ttl || (streamSettings.ttlRefresh && !old.ttlRefresh) {
            streams[slot].ttl.outdated = true
        }
        streams[slot].lane.reconfigure(
            settings: streamSettings.laneSettings(
                deadLetterDrops: settings.deadLetters && streamSettings.oversize == .deadLetter),
            pacer: streamSettings.pacerSettings(share: streams[slot].lane.pacer.settings.share))
        applyBudget(slot, now: now, into: &actions)  // the rate may have changed, and with it the whole messages
        replacePacker(streamSettings.packer(epoch: streams[slot].epoch), of: slot, into: &actions)
        reschedule(slot, now: now)
    }

    /// Hands stream `slot` `packer`, now if its lane can take it, else when it next can (`pendingPacker`).
    mutating func replacePacker(_ packer: MessagePacker, of slot: Int, into actions: inout [EngineAction]) {
        guard let dropped = streams[slot].lane.replacePacker(packer) else {
            streams[slot].pendingPacker = packer
            return
        }
        streams[slot].pendingPacker = nil
        if !dropped.isEmpty { settle(dropped, slot: slot, into: &actions) }
    }
}
