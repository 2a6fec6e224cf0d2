/// Paces one stream's messages with the generic cell rate algorithm (GCRA, a token bucket without a timer).
///
/// It keeps a theoretical arrival time (TAT): a message may go at `now` when `now >= TAT - tolerance`, and each one
/// pushes TAT one interval further. With `burst = 1` the tolerance is zero, so admitted messages are at least one
/// interval apart and no one-second window ever holds more than `rate`. Retries take tokens like any message. The
/// pacer delays, it never drops. With `guardsArrivals` (and `burst = 1`) an `ArrivalGuard` also holds sends that
/// a held-up earlier request could otherwise squeeze into its one-second window. Pure: the caller passes `now`.
public struct StreamPacer: Sendable {
    /// The current settings.
    public private(set) var settings: PacerSettings
    // In nanoseconds, as `Instant` counts them.
    private var interval: Int64
    private var tolerance: Int64
    private var theoreticalArrival = Instant(nanoseconds: .min / 2)
    private var pausedUntil = Instant(nanoseconds: .min / 2)
    /// When the last message was admitted (nil: none yet).
    private var lastAdmitted: Instant?
    /// Whether the schedule may lag the present after arrival-guard holds (`admit`); an admission without a guard
    /// catches it up.
    private var lagsAfterHolds = false
    /// The most the schedule lags the present after arrival-guard holds (`admit`): one window, so that after a long
    /// hold at most a window's worth of messages can go sooner than their spacing, each still within its guard.
    static let guardCatchUpLimit = ArrivalGuard.windowLength.nanosecondsClamped
    /// Present with `settings.guardsArrivals` and `burst = 1`.
    public private(set) var arrivalGuard: ArrivalGuard?
    /// How many messages were admitted: the next admission's ticket, to pass to `responded`.
    public private(set) var nextTicket: UInt64 = 0

    /// A pacer that admits at once, then at `settings`' rate.
    public init(settings: PacerSettings = PacerSettings()) {
        self.settings = settings
        interval = settings.interval.nanosecondsClamped
        tolerance = Int64(settings.burst - 1) * interval
        if settings.guardsArrivals && settings.burst == 1 {
            arrivalGuard = ArrivalGuard(window: settings.messagesPerWindow, maxHold: settings.arrivalGuardMaxHold)
        }
    }

    /// The earliest instant, not before `now`, at which a message would be admitted. `roundTripFloor` is the
    /// fastest recent round trip of any stream (nanoseconds), for the arrival guard (`ArrivalGuard.earliestSend`).
    public func nextAdmission(now: Instant, roundTripFloor: Int64? = nil) -> Instant {
        max(
            now, pausedUntil, Instant(nanoseconds: theoreticalArrival.nanoseconds - tolerance),
            arrivalGuard?.earliestSend(roundTripFloor: roundTripFloor) ?? now)
    }

    /// Whether a message may go at `now`, without taking the token.
    public func canAdmit(now: Instant, roundTripFloor: Int64? = nil) -> Bool {
        nextAdmission(now: now, roundTripFloor: roundTripFloor) <= now
    }

    /// The arrival guard's own baseline: its stream's fastest recent round trip (nanoseconds), once answered.
    var baselineRoundTrip: Int64? { arrivalGuard?.baselineNanoseconds }

    /// Takes a token if one is available at `now`; returns whether it did.
    ///
    /// The schedule moves on from the later of the theoretical arrival time and `now` less `catchUp`, where a hold
    /// of the arrival guard is not counted as lateness: the guard holds one send for its own reference's sake (the
    /// attempt `window` back arrived late), and each later send has a reference of its own, so a hold that pushed
    /// every later send back would cost the stream the hold over and over (jittered round trips cost 3.4% of the
    /// rate that way; docs/decisions/0005-arrival-guard.md, amendment). The schedule lags `now` by at most one
    /// window (`guardCatchUpLimit`).
    @discardableResult
    public mutating func admit(now: Instant, roundTripFloor: Int64? = nil) -> Bool {
        let guardHold = arrivalGuard?.earliestSend(roundTripFloor: roundTripFloor)?.nanoseconds
        let paced = max(pausedUntil.nanoseconds, theoreticalArrival.nanoseconds - tolerance)
        guard max(now.nanoseconds, paced, guardHold ?? .min) <= now.nanoseconds else { return false }
        var late = now.nanoseconds
        if let guardHold, guardHold > paced {
            late = paced + (now.nanoseconds - guardHold)  // the lateness after the guard's instant only
            lagsAfterHolds = true
        } else if arrivalGuard == nil {
            lagsAfterHolds = false
        }
        let caughtUp = max(late - settings.catchUpNanoseconds, now.nanoseconds - Self.guardCatchUpLimit)
        theoreticalArrival = Instant(nanoseconds: max(theoreticalArrival.nanoseconds, caughtUp) + interval)
        arrivalGuard?.sent(at: now)
        lastAdmitted = now
        nextTicket &+= 1
        return true
    }

    /// The request admitted with `ticket` was answered at `now` (accepted or not). Only the arrival guard uses it.
    public mutating func responded(ticket: UInt64, now: Instant) {
        arrivalGuard?.responded(ticket: ticket, at: now)
    }

    /// Admits nothing before `until` (a `Retry-After`, or a backoff after 429). Never shortens an earlier pause.
    public mutating func pause(until: Instant) {
        pausedUntil = max(pausedUntil, until)
    }

    /// Applies reloaded settings (rate, burst; the share the caller passes), keeping the pacer's history: when the
    /// last message went, any pause, and the arrival guard's recent sends (resized to the new window), so a change
    /// cannot bunch messages. The spacing changes from the next admission on.
    public mutating func reconfigure(_ newSettings: PacerSettings) {
        settings = newSettings
        interval = settings.interval.nanosecondsClamped
        tolerance = Int64(settings.burst - 1) * interval
        if settings.guardsArrivals && settings.burst == 1 {
            if arrivalGuard == nil {
                arrivalGuard = ArrivalGuard(
                    window: settings.messagesPerWindow, maxHold: settings.arrivalGuardMaxHold, firstTicket: nextTicket)
                // A new guard remembers none of the sends before it, which a lagging schedule (an earlier guard's
                // holds, with no send since it was removed) may have bunched: the next send then waits a second
                // after the last, so no second holds old and new sends together.
                if lagsAfterHolds, let lastAdmitted {
                    pause(until: lastAdmitted + ArrivalGuard.windowLength + .milliseconds(2))
                }
            } else {
                resizeGuard()
            }
        } else {
            arrivalGuard = nil
        }
    }

    /// Applies a new scale-out share; the spacing changes from the next admission on.
    public mutating func setShare(_ share: Double) {
        precondition(share > 0 && share <= 1, "share \(share) outside (0, 1]")
        settings.share = share
        interval = settings.interval.nanosecondsClamped
        tolerance = Int64(settings.burst - 1) * interval
        resizeGuard()
    }

    /// Gives the arrival guard the window of the current settings.
    private mutating func resizeGuard() {
        arrivalGuard?.resize(window: settings.messagesPerWindow)
    }
}
