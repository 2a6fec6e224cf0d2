/// How fast one stream may publish. Defaults follow DESIGN.md section 3.
public struct PacerSettings: Sendable, Hashable {
    /// Twilio's per-stream limit, messages per second; also the default `rate`.
    public static let maximumRate = 30.0
    /// The accepted range of `burst`.
    public static let burstRange = 1...30

    /// Messages per second this stream may send, before `share` is applied: `0 < rate <= 30`, default 30.
    public var rate: Double
    /// How many messages may go out back to back after an idle spell (Twilio's short burst allowance). The default, 1,
    /// means no burst: messages are spaced evenly, so no one-second window ever holds more than `rate` (for a whole
    /// `rate`). With `burst = b` a window may hold up to `rate + b - 1`.
    public var burst: Int
    /// This relay's share of the stream's budget when several relays feed it (scale-out): `0 < share <= 1`,
    /// default 1. The runtime sets it to owned partitions / all partitions on every rebalance.
    public var share: Double
    /// How late a message may go without the lateness pushing every later message back (default zero).
    /// A timer never fires exactly on time; without this, each wake-up's lateness is lost for good and a stream
    /// under backlog runs below its rate. With it, the schedule catches up: any `n + 1` consecutive admissions span at
    /// least `n` intervals less `catchUp` (with `burst = 1`), so callers that pace below the hard limit can spend
    /// part of that margin here (docs/decisions/0002-pacing-margin.md).
    public var catchUp: Duration {
        get { .nanoseconds(catchUpNanoseconds) }
        set { catchUpNanoseconds = newValue.nanosecondsClamped }
    }
    /// Whether an `ArrivalGuard` also holds sends so that requests held up on their way cannot make a one-second
    /// window of arrivals hold more than the window's share (default false; only with `burst = 1`). The caller
    /// then reports every response (`StreamPacer.responded`).
    public var guardsArrivals: Bool
    /// The most the arrival guard holds a send beyond the window for a held-up earlier attempt (default one second,
    /// `ArrivalGuard.defaultMaxHold`; `ArrivalGuard.maxHold`).
    public var arrivalGuardMaxHold: Duration {
        get { .nanoseconds(arrivalGuardMaxHoldNanoseconds) }
        set { arrivalGuardMaxHoldNanoseconds = newValue.nanosecondsClamped }
    }

    // Stored as `Instant`'s nanoseconds, to keep each stream's pacer small (see `ArrivalGuard`).
    private(set) var catchUpNanoseconds: Int64 = 0
    private var arrivalGuardMaxHoldNanoseconds: Int64 = 0

    /// Settings with the given values; values outside the documented ranges are a programming error.
    public init(
        rate: Double = PacerSettings.maximumRate, burst: Int = 1, share: Double = 1, catchUp: Duration = .zero,
        guardsArrivals: Bool = false, arrivalGuardMaxHold: Duration = ArrivalGuard.defaultMaxHold
    ) {
        precondition(rate > 0 && rate <= Self.maximumRate, "rate \(rate) outside (0, 30]")
        precondition(Self.burstRange.contains(burst), "burst \(burst) outside \(Self.burstRange)")
        precondition(share > 0 && share <= 1, "share \(share) outside (0, 1]")
        precondition(catchUp >= .zero, "catch-up \(catchUp) is negative")
        precondition(
            (.zero...ArrivalGuard.holdLimit).contains(arrivalGuardMaxHold),
            "maximum hold \(arrivalGuardMaxHold) outside 0 to 60 s")
        self.rate = rate
        self.burst = burst
        self.share = share
        catchUpNanoseconds = catchUp.nanosecondsClamped
        self.guardsArrivals = guardsArrivals
        arrivalGuardMaxHoldNanoseconds = arrivalGuardMaxHold.nanosecondsClamped
    }

    /// Messages per second after the share: `rate × share`.
    public var effectiveRate: Double { rate * share }

    /// Messages per one-second window after the share, rounded up: how far back the arrival guard looks.
    public var messagesPerWindow: Int {
        max(1, Int(effectiveRate.rounded(.up)))
    }

    /// The spacing between messages: one nanosecond more than 1 s / effective rate, so that `rate` intervals always
    /// span strictly more than one second (no closed one-second window holds `rate + 1` messages).
    public var interval: Duration {
        .nanoseconds(Int64(1e9 / effectiveRate) + 1)  // truncation is floor here: the quotient is positive
    }
}
