import DequeModule

/// Paces the writes to one Sync Document or Map (a Map's item writes all count against the Map), under Twilio's
/// object limit: 20 writes per second per object, harder for objects over 1 KiB (2 writes per second at 10 KiB).
///
/// A write costs its `Data`'s size in bytes, at least `unitBytes` (1 KiB): one unit for a small object, ten for a
/// 10 KiB one, so the two figures Twilio gives are the same budget of 20 KiB per second. A delete costs one unit.
/// The pacer admits a write only when the costs admitted in the last `window` (Twilio's second and a tenth of it
/// for arrival jitter, as streams have) plus its own stay within `rate` units; a write costing more than the budget
/// alone (a 16 KiB object under the default of 10 units) goes only into an empty window, so no window ever holds
/// more than `max(rate units, one write)`, at most 16 KiB: inside Twilio's 20.
///
/// After a 429 (54009) it admits nothing until `Retry-After` (or one second) has passed. Pure: the caller passes
/// `now`. At most `rate` writes are remembered, so an object costs a few hundred bytes while it is written and
/// nothing once its window has emptied (`isIdle`).
public struct ObjectPacer: Sendable, Equatable {
    /// Bytes of one unit of cost: Twilio throttles objects over 1 KiB harder.
    public static let unitBytes = 1024
    /// Twilio's limit in units per second per object.
    public static let twilioLimit = 20
    /// The default: half of Twilio's limit, a margin for arrival jitter and for other writers of the same object.
    public static let defaultRate = 10
    /// The sliding window the budget applies to.
    public static let defaultWindow = Duration.milliseconds(1100)

    struct Write: Sendable, Equatable {
        var at: Instant
        var cost: Int
    }

    /// Units per `window`.
    public private(set) var rate: Int
    /// The sliding window.
    public let window: Duration
    private var recent = Deque<Write>()
    private var recentCost = 0
    /// No write before this (after a 429).
    public private(set) var pausedUntil: Instant?

    /// A pacer allowing `rate` units (1 KiB writes) in any `window`.
    public init(rate: Int = ObjectPacer.defaultRate, window: Duration = ObjectPacer.defaultWindow) {
        precondition(rate >= 1 && window > .zero, "bad object pacer")
        self.rate = rate
        self.window = window
    }

    /// The cost of a write whose `Data` is `dataBytes` long (a delete: 0 bytes, one unit).
    public static func cost(dataBytes: Int) -> Int { max(unitBytes, dataBytes) }

    private var budget: Int { rate * Self.unitBytes }

    private mutating func forget(before now: Instant) {
        while let first = recent.first, now - first.at >= window {
            recentCost -= first.cost
            recent.removeFirst()
        }
    }

    private func fits(_ cost: Int) -> Bool { recent.isEmpty || recentCost + cost <= budget }

    /// Admits a write costing `cost` at `now` (recording it), or returns false (ask `nextAdmission`).
    public mutating func admit(cost: Int, now: Instant) -> Bool {
        if let pausedUntil, now < pausedUntil { return false }
        forget(before: now)
        guard fits(cost) else { return false }
        recent.append(Write(at: now, cost: cost))
        recentCost += cost
        return true
    }

    /// The earliest instant at or after `now` when a write costing `cost` would be admitted.
    public func nextAdmission(cost: Int, now: Instant) -> Instant {
        var at = max(now, pausedUntil ?? now)
        var remaining = recentCost
        for write in recent {
            let leaves = write.at + window
            guard leaves > at else {
                remaining -= write.cost
                continue
            }
            if remaining + cost <= budget { return at }
            remaining -= write.cost
            at = leaves
        }
        return at
    }

    /// Twilio answered 429 for this object: nothing more until `retryAfter` (or one second) has passed.
    public mutating func rateLimited(retryAfter: Duration?, now: Instant) {
        pausedUntil = Self.pause(pausedUntil, retryAfter: retryAfter, now: now)
    }

    /// The end of a pause after a 429 at `now`: `Retry-After` (one second when Twilio gave none, at least 100 ms)
    /// from `now`, or `current` when that is later. Creates pause the same way (`CreateLimiter`).
    static func pause(_ current: Instant?, retryAfter: Duration?, now: Instant) -> Instant {
        max(current ?? now, now + max(retryAfter ?? .seconds(1), .milliseconds(100)))
    }

    /// A new rate (a reload, or this member's share of an object several members write).
    public mutating func setRate(_ rate: Int) { self.rate = max(1, rate) }

    /// Whether no write is remembered at `now` and no pause is in force: the pacer's state may be dropped.
    public func isIdle(now: Instant) -> Bool {
        (pausedUntil.map { now >= $0 } ?? true) && recent.allSatisfy { now - $0.at >= window }
    }

    /// When the pacer becomes idle (`isIdle`): its last write leaves the window and any pause is over.
    public var idleAt: Instant? {
        let leaves = recent.last.map { $0.at + window }
        guard let pausedUntil else { return leaves }
        return max(leaves ?? pausedUntil, pausedUntil)
    }

    /// Units admitted in the window ending at `now`.
    public func unitsInWindow(now: Instant) -> Double {
        let cost = recent.reduce(0) { now - $1.at < window ? $0 + $1.cost : $0 }
        return Double(cost) / Double(Self.unitBytes)
    }
}
