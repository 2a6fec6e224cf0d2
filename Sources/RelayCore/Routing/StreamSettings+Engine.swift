/// The engine's settings for a stream, from its configured `StreamSettings` (already validated against the
/// engine's ranges by the configuration loader).
extension StreamSettings {
    /// The lane's bounds and policies. Dropped records go to the dead-letter topic when `deadLetterDrops` is true
    /// (the route's oversize policy is `dead-letter`); a record too large even for `maxChunks` goes there whenever
    /// a dead-letter topic is configured.
    public func laneSettings(deadLetterDrops: Bool) -> LaneSettings {
        LaneSettings(
            maxRecords: overflow.maxRecords, maxBytes: overflow.maxBytes,
            overflow: overflow.policy,
            maxAge: overflow.maxAge, conflate: overflow.conflate, maxInFlight: inFlight,
            oversize: oversize, deadLetterDrops: deadLetterDrops
        )
    }

    /// The packer's budget and the message format. A route with a snapshot always carries `tp`, `p`, `o` and `t`, so
    /// that a page can drop the stream's records older than the snapshot it read (decision 0012).
    public func packer(epoch: UInt64?) -> MessagePacker {
        let versioned = snapshot != nil
        return MessagePacker(
            settings: PackerSettings(budget: maxMessageBytes, maxRecordsPerMessage: maxRecordsPerMessage),
            format: MessageFormatOptions(
                includeKey: format.key, includeTopic: format.topic || versioned,
                includePartition: format.partition || versioned, includeOffset: format.offset || versioned,
                includeTimestamp: format.timestamp || versioned, includeHeaders: format.headers,
                includeId: format.id,
                epoch: epoch
            )
        )
    }

    /// How much below `rate` the relay paces, so that jitter between sending and Twilio's arrival clock cannot
    /// squeeze 31 messages into one second (docs/decisions/0002-pacing-margin.md).
    public static let pacingMargin = 0.985

    /// How much of the margin goes to catching up on late wake-ups: 2 ms. At 30/s less the margin, 31 messages
    /// then still span at least 1,013 ms when sent (1,015 ms without catch-up), leaving 13 ms for arrival jitter
    /// (5 ms, tried first, let one strict 54009 through in a full test run on a loaded machine).
    public static let pacingCatchUp: Duration = .milliseconds(2)

    /// The pacer: `rate` per second less the margin, `burst` extra messages (the engine counts the bucket,
    /// 1 = no burst), catching up on up to `pacingCatchUp` of wake-up lateness, with the arrival guard
    /// (docs/decisions/0005-arrival-guard.md) so that a request held up on its way cannot cost a 54009.
    public func pacerSettings(share: Double) -> PacerSettings {
        PacerSettings(
            rate: Double(rate) * Self.pacingMargin, burst: min(burst + 1, PacerSettings.burstRange.upperBound),
            share: max(share, 0.000_001), catchUp: Self.pacingCatchUp,
            guardsArrivals: true)
    }

    /// The retry planner's policy.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(
            initialBackoff: retry.initialBackoff, maxBackoff: retry.maxBackoff, maxRetryAfter: retry.maxRetryAfter,
            maxAttempts: retry.maxAttempts, unauthorizedRetryInterval: retry.authRetryInterval
        )
    }
}
