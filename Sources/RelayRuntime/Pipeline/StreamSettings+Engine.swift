import RelayCore

/// The engine's settings for a stream, from its configured `StreamSettings` (already validated against the
/// engine's ranges by the configuration loader).
extension StreamSettings {
    /// The lane's bounds and policies. Dropped records go to the dead-letter topic when `deadLetter` is true
    /// (the route's oversize policy is `dead-letter`, or a dead-letter topic is configured for overflow drops).
    func laneSettings(deadLetterDrops: Bool) -> LaneSettings {
        LaneSettings(
            maxRecords: overflow.maxRecords, maxBytes: overflow.maxBytes,
            overflow: OverflowPolicy(rawValue: overflow.policy.rawValue) ?? .block,
            maxAge: overflow.maxAge, conflate: overflow.conflate, maxInFlight: inFlight,
            oversize: OversizePolicy(rawValue: oversize.rawValue) ?? .split, deadLetterDrops: deadLetterDrops
        )
    }

    /// The packer's budget and the message format.
    func packer(epoch: UInt64?) -> MessagePacker {
        MessagePacker(
            settings: PackerSettings(budget: maxMessageBytes, maxRecordsPerMessage: maxRecordsPerMessage),
            format: MessageFormatOptions(
                includeKey: format.key, includeTopic: format.topic, includePartition: format.partition,
                includeOffset: format.offset, includeTimestamp: format.timestamp, includeHeaders: format.headers,
                epoch: epoch
            )
        )
    }

    /// How much below `rate` the relay paces, so that jitter between sending and Twilio's arrival clock cannot
    /// squeeze 31 messages into one second (docs/decisions/0002-pacing-margin.md).
    static let pacingMargin = 0.985

    /// The pacer: `rate` per second less the margin, `burst` extra messages (the engine counts the bucket,
    /// 1 = no burst).
    func pacerSettings(share: Double) -> PacerSettings {
        PacerSettings(
            rate: Double(rate) * Self.pacingMargin, burst: min(burst + 1, PacerSettings.burstRange.upperBound),
            share: max(share, 0.000_001))
    }

    /// The retry planner's policy.
    var retryPolicy: RetryPolicy {
        RetryPolicy(
            initialBackoff: retry.initialBackoff, maxBackoff: retry.maxBackoff, maxRetryAfter: retry.maxRetryAfter,
            maxAttempts: retry.maxAttempts, unauthorizedRetryInterval: retry.authRetryInterval
        )
    }
}
