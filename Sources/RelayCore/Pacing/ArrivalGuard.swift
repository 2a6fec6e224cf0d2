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
    /// The baseline is the fastest round trip answered in the current period of this length and the one before it
    /// (so 1 to 2 periods back): a lasting change of route is learnt within two periods.
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

    /// The last `retained` attempts, oldest first; `attempts[0]` has ticket `firstTicket`.
    private var attempts: [Attempt] = []
    private var firstTicket: UInt64 = 0
    /// The largest window so far: how many attempts are kept.
    private var retained: Int
    /// Whether an attempt was ever forgotten (so fewer than `window` remembered means a window larger than ever).
    private var forgot = false
    /// The fastest round trip answered in the current period (since `periodStart`) and in the one before it
    /// (`Int64.max`: none). Every answer of both periods counts, not only the remembered attempts: under jitter the
    /// fastest of one window's round trips sits above the path's fastest, and a baseline set from it let 31
    /// arrivals into a second (`ArrivalGuardTests.jitteredRoundTripsNeverSqueezeThirtyOneArrivalsIntoASecond`).
    private var periodFastest = Int64.max
    private var previousFastest = Int64.max
    private var periodStart: Instant?
    /// Answers counted in the current period and the one before.
    private var periodAnswers: Int32 = 0
    private var previousAnswers: Int32 = 0
    /// How far below the baseline the path's fastest round trip may still be (`responded`).
    private var baselineMargin: Int64 = 0

    /// The fastest round trip of this period and the one before, once any attempt was answered.
    private var baseline: Int64? {
        let fastest = min(periodFastest, previousFastest)
        return fastest == .max ? nil : fastest
    }

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
        retained = window
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
    public var baselineLatency: Duration? { baseline.map { .nanoseconds($0) } }

    /// The fastest recent round trip in nanoseconds, once any attempt was answered.
    var baselineNanoseconds: Int64? { baseline }

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
        guard attempts.count >= window else {
            // A window larger than any before looks back past what the guard remembers. The pacer's schedule may lag
            // the present after holds (`StreamPacer.admit`), so the guard holds until a second after the oldest
            // attempt it remembers, which is no earlier than the one `window` back: a second never sees more than
            // `window` sends. A guard that never forgot an attempt is young, and the pacer's own spacing holds.
            guard forgot, let oldest = attempts.first else { return nil }
            return Instant(nanoseconds: oldest.sentAt.nanoseconds &+ Self.windowNanoseconds &+ safetyNanoseconds)
        }
        let reference = attempts[attempts.count - window]
        let hold: Int64
        if let latency = reference.latency {
            let base = min((baseline ?? latency) - baselineMargin, roundTripFloor ?? .max)
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
        if let start = periodStart, now.nanoseconds &- start.nanoseconds < baselineHorizonNanoseconds {
            periodFastest = min(periodFastest, latency)
            periodAnswers = min(periodAnswers, .max - 1) + 1
        } else {
            // A new period: the one that ended becomes the previous (after a silence longer than a period, the last
            // period with answers does).
            if periodFastest != .max { (previousFastest, previousAnswers) = (periodFastest, periodAnswers) }
            (periodFastest, periodAnswers, periodStart) = (latency, 1, now)
        }
        baselineMargin = Self.margin(of: attempts, answers: Int64(periodAnswers) + Int64(previousAnswers))
    }

    /// How far below the fastest of `answers` round trips the path's fastest may be: the fastest of a few samples of
    /// a jittered path sits above the path's fastest by about the spread over the number of samples (for
    /// uniform jitter, spread / (n + 1) on average), so the baseline is lowered by ten times the spread of the
    /// remembered round trips (eight or more) over the answers of both periods. Steady latency has no spread, so it
    /// costs nothing; a young guard (the stream's first second, when the fastest of 25 answers of ±30 ms can be 5 ms
    /// above the path's fastest) holds a little longer, until enough answers came. Without it, 31 arrivals fell in
    /// the first second of 4 runs in 41, and 1 in 100 with three times
    /// (`ArrivalGuardTests.jitteredRoundTripsNeverSqueezeThirtyOneArrivalsIntoASecond`); with six, none in 401, but
    /// CI drew seed 18273926789587069686 (31 arrivals in 999.89 ms of the first second: the fastest of few answers is
    /// above the path's fastest by more than six spreads over n about e^-6 of the time), 1 run in 1,202; with ten,
    /// none in 1,202 (e^-10). Ten costs 0.03 to 0.07 points of rate more than six under ±15 to ±30 ms.
    private static func margin(of attempts: [Attempt], answers: Int64) -> Int64 {
        var fastest = Int64.max
        var slowest = Int64.min
        var remembered = 0
        for attempt in attempts {
            guard let latency = attempt.latency else { continue }
            fastest = min(fastest, latency)
            slowest = max(slowest, latency)
            remembered += 1
        }
        guard remembered >= minimumSpreadSamples, fastest < slowest, answers > 0 else { return 0 }
        return 10 * (slowest - fastest) / answers
    }

    /// The fewest remembered answers whose spread is taken as jitter: a few answers, one of them late, are a
    /// hold-up, which that answer's own excess holds for.
    static let minimumSpreadSamples = 8

    /// Looks `window` attempts back from now on (a new scale-out share, or a reload). The guard keeps as many
    /// attempts as its largest window so far, so a window that shrinks and grows again still sees every attempt it
    /// looks back to; one larger than ever before sees fewer (`earliestSend` then holds from the oldest).
    public mutating func resize(window newWindow: Int) {
        precondition(newWindow >= 1, "window \(newWindow) is below 1")
        window = newWindow
        retained = max(retained, newWindow)
        trim()
    }

    private mutating func trim() {
        let excess = attempts.count - retained
        guard excess > 0 else { return }
        attempts.removeFirst(excess)
        firstTicket &+= UInt64(excess)
        forgot = true
    }
}
