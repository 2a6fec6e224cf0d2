/// Keeps delays between sending a message and its arrival at Twilio from squeezing one message too many into a
/// one-second window (docs/decisions/0005-arrival-guard.md).
///
/// The pacer spaces messages when they are sent; Twilio counts them when they arrive. When one request is held up
/// (a stalled thread, a slow network path) it arrives late, and the message sent `window` attempts after it may then
/// arrive less than a second after it, which a strict limit answers with 429 (54009). The guard remembers the last
/// `window` attempts with their send and response times, and holds the next send until one second (plus `safety`)
/// after the attempt `window` back, plus that attempt's *excess* latency: its round trip less the fastest recent
/// round trip (the baseline). A message cannot arrive after its response, so a late arrival always shows as excess
/// latency; and as long as one way out plus one way back takes at least the baseline, a message that arrived `d`
/// late had at least `d` of excess. Steady latency, however long, costs nothing; a hold-up delays one message a
/// window later, by the hold-up less the pacer's margin, and never by more than `maxHold` (one second: a 600 ms
/// stall at the receiving end drew 429s with the former 250 ms, docs/decisions/0005). An attempt still unanswered
/// when the next one is due holds it until its response comes: for up to `maxHold` when a later attempt has been
/// answered already (it was overtaken, so it is held up), and for up to `unansweredHold` (250 ms) when none has
/// (every attempt since is as slow: steady latency longer than the window, which holding longer would only slow).
///
/// Pure: the caller passes every instant.
public struct ArrivalGuard: Sendable {
    /// Twilio's window: one second.
    public static let windowLength: Duration = .seconds(1)
    /// The default `maxHold`: one second.
    public static let defaultMaxHold: Duration = .seconds(1)
    /// The default `unansweredHold`: 250 ms.
    public static let defaultUnansweredHold: Duration = .milliseconds(250)
    /// The longest hold accepted: a minute.
    public static let holdLimit: Duration = .seconds(60)

    /// Attempts per window (the rate's share of the limit, rounded up): the guard looks this many attempts back.
    public private(set) var window: Int
    /// Added to the window for clock granularity.
    public var safety: Duration { .nanoseconds(safetyNanoseconds) }
    /// The most the guard holds a send beyond the window for a held-up attempt (an answered one's excess latency,
    /// or an unanswered one a later attempt overtook).
    public var maxHold: Duration { .nanoseconds(maxHoldNanoseconds) }
    /// How long the guard holds a send beyond the window for an attempt still unanswered when no later attempt has
    /// been answered either (its response, when it comes, re-evaluates the hold).
    public var unansweredHold: Duration { .nanoseconds(unansweredHoldNanoseconds) }
    /// How long a baseline sample stays valid: after that, the fastest round trip among the remembered attempts
    /// replaces it, so a lasting change of route is learnt.
    public var baselineHorizon: Duration { .nanoseconds(baselineHorizonNanoseconds) }

    // Stored in nanoseconds, as `Instant` counts them: every pacer holds a guard (optional, so inline, even when
    // off), and 10,000 pacers walked at random lost a quarter of their speed when these were 16-byte `Duration`s.
    private static let windowNanoseconds = windowLength.nanosecondsClamped
    private let safetyNanoseconds: Int64
    private let maxHoldNanoseconds: Int64
    private let unansweredHoldNanoseconds: Int64
    private let baselineHorizonNanoseconds: Int64

    private struct Attempt: Sendable {
        var sentAt: Instant
        var latency: Int64?
    }

    /// The last `window` attempts, oldest first; `attempts[0]` has ticket `firstTicket`.
    private var attempts: [Attempt] = []
    private var firstTicket: UInt64 = 0
    private var baseline: (latency: Int64, measuredAt: Instant)?

    /// A guard looking `window` attempts back; its first send gets `firstTicket` (a guard added to a pacer that has
    /// already admitted messages continues the pacer's numbering).
    public init(
        window: Int, safety: Duration = .milliseconds(2), maxHold: Duration = ArrivalGuard.defaultMaxHold,
        unansweredHold: Duration = ArrivalGuard.defaultUnansweredHold, baselineHorizon: Duration = .seconds(10),
        firstTicket: UInt64 = 0
    ) {
        precondition(window >= 1, "window \(window) is below 1")
        precondition(
            safety >= .zero && maxHold >= .zero && unansweredHold >= .zero && baselineHorizon >= .zero,
            "safety, holds and horizon must not be negative")
        precondition(maxHold <= Self.holdLimit && unansweredHold <= Self.holdLimit, "holds above a minute")
        self.window = window
        safetyNanoseconds = safety.nanosecondsClamped
        maxHoldNanoseconds = maxHold.nanosecondsClamped
        unansweredHoldNanoseconds = unansweredHold.nanosecondsClamped
        baselineHorizonNanoseconds = baselineHorizon.nanosecondsClamped
        self.firstTicket = firstTicket
        attempts.reserveCapacity(window)
    }

    /// The ticket the next recorded send gets.
    public var nextTicket: UInt64 { firstTicket &+ UInt64(attempts.count) }

    /// The fastest recent round trip, once any attempt was answered.
    public var baselineLatency: Duration? { baseline.map { .nanoseconds($0.latency) } }

    /// The fastest recent round trip in nanoseconds, once any attempt was answered.
    var baselineNanoseconds: Int64? { baseline?.latency }

    /// The earliest instant the next attempt may be sent, or nil when fewer than `window` attempts were made.
    public var earliestSend: Instant? { earliestSend(roundTripFloor: nil) }

    /// `earliestSend`, measuring excess latency from `roundTripFloor` (nanoseconds) where that is below this guard's
    /// own baseline: the fastest recent round trip of any stream over the same path. A stream whose first window of
    /// attempts all waited in a queue (the relay's start, thousands of streams at once) learns a baseline that
    /// includes the wait; when the queue empties, its later messages arrive earlier than that baseline allows for,
    /// and the window wraps inside a second. Every stream's requests share the connections to one host, so the
    /// fastest round trip of any of them bounds each one's from below (the guard's premise holds with it), and
    /// only the wait is counted as excess.
    public func earliestSend(roundTripFloor: Int64?) -> Instant? {
        guard attempts.count >= window else { return nil }
        let reference = attempts[attempts.count - window]
        let hold: Int64
        if let latency = reference.latency {
            let base = min(baseline?.latency ?? latency, roundTripFloor ?? .max)
            hold = min(max(0, latency - base), maxHoldNanoseconds)
        } else if attempts[(attempts.count - window + 1)...].contains(where: { $0.latency != nil }) {
            hold = maxHoldNanoseconds  // overtaken: held up; its response re-evaluates this sooner
        } else {
            hold = unansweredHoldNanoseconds  // everything since is as slow: steady latency
        }
        return Instant(
            nanoseconds: reference.sentAt.nanoseconds &+ Self.windowNanoseconds &+ safetyNanoseconds &+ hold)
    }

    /// Records a send at `now`; returns its ticket, to pass to `responded`.
    @discardableResult
    public mutating func sent(at now: Instant) -> UInt64 {
        let ticket = nextTicket
        attempts.append(Attempt(sentAt: now, latency: nil))
        trim()
        return ticket
    }

    /// Records the response to attempt `ticket` (success or failure: either way the request was answered) at `now`.
    /// Responses to attempts already forgotten (more than `window` sends ago) or already answered are ignored.
    public mutating func responded(ticket: UInt64, at now: Instant) {
        guard ticket >= firstTicket && ticket < nextTicket else { return }
        let index = Int(ticket - firstTicket)
        guard attempts[index].latency == nil else { return }
        let latency = max(0, now.nanoseconds &- attempts[index].sentAt.nanoseconds)
        attempts[index].latency = latency
        guard let current = baseline else {
            baseline = (latency, now)
            return
        }
        if latency <= current.latency {
            baseline = (latency, now)
        } else if now.nanoseconds &- current.measuredAt.nanoseconds > baselineHorizonNanoseconds {
            // The baseline expired: the fastest remembered round trip replaces it.
            baseline = (attempts.compactMap(\.latency).min() ?? latency, now)
        }
    }

    /// Looks `window` attempts back from now on (a new scale-out share).
    public mutating func resize(window newWindow: Int) {
        precondition(newWindow >= 1, "window \(newWindow) is below 1")
        window = newWindow
        trim()
    }

    private mutating func trim() {
        let excess = attempts.count - window
        guard excess > 0 else { return }
        attempts.removeFirst(excess)
        firstTicket &+= UInt64(excess)
    }
}
