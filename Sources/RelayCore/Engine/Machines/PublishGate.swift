import DequeModule

/// What may go to Twilio now, across streams: publishes under the ceiling, the account-wide cap (lowered after a
/// 20429, `AccountConcurrencyLimit`) and what the account's concurrency leaves (`AccountConcurrencyBudget`, from
/// Twilio's `Twilio-Concurrent-Requests`), first come first served once the cap is full; and stream creates, paced by a
/// `CreateLimiter` with a queue for the streams waiting for a token. Streams are named by their slot; the gate
/// keeps only queues and counts, the streams keep whether they wait (`EngineStream`).
struct PublishGate: Sendable {
    /// A change of the account-wide cap, to report.
    enum CapChange: Sendable, Equatable {
        case lowered(limit: Int)
        case restored
    }

    /// The most publishes in flight at once (`ceiling(_:transport:)`).
    let ceiling: Int
    private(set) var account = AccountConcurrencyLimit()
    /// What the account's limit and its other clients leave this relay.
    private(set) var budget: AccountConcurrencyBudget
    /// Publishes sent and not answered.
    private(set) var inFlight = 0
    /// The most requests in flight, over the last `ownPeakWindow`.
    private var ownPeak = SlidingMaximum(window: PublishGate.ownPeakWindow)
    /// How often the cap was lowered.
    private(set) var lowerings = 0
    /// The figures `concurrencyFigures` last returned.
    private var reportedFigures: [Int] = []
    /// Who waits for room: a stream (by slot) or a snapshot object (a Document or a Map).
    enum Waiter: Sendable, Hashable {
        case stream(Int)
        case object(SnapshotBook.ObjectKey)
    }

    /// Streams waiting for room, first come first served.
    private var waitingStreams = Deque<Int>()
    /// Snapshot objects waiting for room, first come first served.
    private var waitingObjects = Deque<SnapshotBook.ObjectKey>()
    /// Whether an object goes next when both wait: streams and objects take turns, so that thousands of streams
    /// keeping the gate full do not starve a Map (one write per turn) and many Documents do not starve the streams.
    private var objectsTurn = false
    private(set) var creates: CreateLimiter
    /// Streams waiting for a create token, first come first served (a create Twilio refused with 429 goes first).
    private var createQueue = Deque<Int>()
    /// The instant the scheduler was asked to look at the create queue (a `.creates` entry at another is stale).
    private(set) var createsScheduledAt: Instant?

    /// A gate allowing `ceiling` publishes in flight and `createsPerSecond` creates per second, on an account whose
    /// concurrency limit is `accountLimit` (`twilio.accountConcurrencyLimit`; nil: unknown until a 20429).
    init(ceiling: Int, createsPerSecond: Int, accountLimit: Int? = nil) {
        self.ceiling = max(1, ceiling)
        creates = CreateLimiter(rate: createsPerSecond)
        budget = AccountConcurrencyBudget(configuredLimit: accountLimit, ceiling: self.ceiling)
    }

    /// The most publishes the relay has in flight at once: `twilio.maxConcurrentRequests`, and where each connection
    /// carries one request at a time (HTTP/1.1) no more than `twilio.maxConnections`. Counted here, before the pacer
    /// admits a message, so that an admitted message goes on the wire at once: a message that waited for a transfer
    /// slot after its pacer token would arrive later than the pacer recorded, and a queue that empties bunches
    /// arrivals (decision 0005). The HTTP client keeps its own limit as well, for stream creations and TTL
    /// refreshes, which this does not count.
    static func ceiling(_ twilio: TwilioConfiguration, oneRequestPerConnection: Bool) -> Int {
        let requests = max(1, twilio.maxConcurrentRequests)
        return oneRequestPerConnection ? min(requests, max(1, twilio.maxConnections)) : requests
    }

    // MARK: Publishes

    /// The most publishes in flight now: the ceiling, the cap after 20429s and the account's budget, whichever is
    /// lowest.
    var inFlightLimit: Int { min(ceiling, account.limit ?? .max, budget.cap) }

    /// Whether one more publish fits under the ceiling and the account-wide caps.
    var hasRoom: Bool { inFlight < inFlightLimit }

    /// How far back the peak of this relay's own requests in flight is taken, for what the account's other clients
    /// use: longer than a round trip to Twilio.
    static let ownPeakWindow: Duration = .seconds(2)

    /// A Twilio response said `observation` (before its answer is handled). Its count was taken when its request
    /// reached Twilio; this relay then had at most its peak of the last `ownPeakWindow` in flight, so the peak is what
    /// is subtracted to find the other clients' share. (Its count now would be too low at the end of a burst, when
    /// the answers of this relay's own earlier requests would read as other clients' requests and throttle it.)
    /// Returns whether the budget's cap changed.
    mutating func observed(_ observation: TwilioConcurrencyObservation, now: Instant) -> Bool {
        let own = max(inFlight, ownPeak.maximum(now: now) ?? 0)
        return budget.observed(observation, ownInFlight: own, now: now)
    }

    /// A publish (or snapshot write) was sent at `now`.
    mutating func sent(now: Instant) {
        inFlight += 1
        ownPeak.record(inFlight, now: now)
    }

    /// A publish was answered, and decided as `decision` at `now`: frees its place, and feeds the cap (a 20429
    /// lowers it, a success may raise or lift it). Returns the cap's change, if any.
    mutating func answered(_ decision: RetryDecision, now: Instant) -> CapChange? {
        let inFlightThen = inFlight
        inFlight = max(0, inFlight - 1)
        let before = account.limit
        if case .retry(_, let reason) = decision, reason.lowersAccountConcurrency {
            account.accountRateLimited(inFlight: inFlightThen, now: now)
        }
        if decision == .done { account.succeeded(now: now) }
        budget.update(now: now)
        if let after = account.limit, before.map({ after < $0 }) ?? true {
            lowerings += 1
            return .lowered(limit: after)
        }
        return before != nil && account.limit == nil ? .restored : nil
    }

    /// The highest `Twilio-Concurrent-Requests` of the last `AccountConcurrencyBudget.window` and `inFlightLimit`,
    /// when either changed since they were last returned (for the gauges).
    mutating func concurrencyFigures(now: Instant) -> (recentConcurrency: Int?, inFlightLimit: Int)? {
        let figures = [budget.recentConcurrency(now: now) ?? -1, inFlightLimit]
        guard figures != reportedFigures else { return nil }
        reportedFigures = figures
        return (figures[0] < 0 ? nil : figures[0], figures[1])
    }

    /// A publish left without an answer being decided (its stream is gone): frees its place.
    mutating func abandoned() { inFlight = max(0, inFlight - 1) }

    /// Queues `waiter` for room (it is not queued already).
    mutating func wait(_ waiter: Waiter) {
        switch waiter {
        case .stream(let slot): waitingStreams.append(slot)
        case .object(let key): waitingObjects.append(key)
        }
    }

    /// The next waiter, when there is room: streams and objects in turns, each first come first served.
    mutating func nextAdmitted() -> Waiter? {
        guard hasRoom else { return nil }
        if !waitingObjects.isEmpty, objectsTurn || waitingStreams.isEmpty {
            objectsTurn = false
            return .object(waitingObjects.removeFirst())
        }
        guard let slot = waitingStreams.popFirst() else { return nil }
        objectsTurn = true
        return .stream(slot)
    }

    // MARK: Creates

    /// Takes a create token at `now` for a stream not queued: false when streams already wait or none is left.
    mutating func takeCreateToken(now: Instant) -> Bool { createQueue.isEmpty && creates.take(now: now) }

    /// Queues stream `slot` for a token (`first`: at the head, for a create Twilio refused with 429).
    mutating func queueForCreate(_ slot: Int, first: Bool) {
        if first { createQueue.prepend(slot) } else { createQueue.append(slot) }
    }

    /// When the scheduler should look at the create queue, if that is a new, earlier instant than asked before.
    mutating func createsWake(now: Instant) -> Instant? {
        let at = creates.nextToken(now: now)
        if let scheduled = createsScheduledAt, scheduled <= at { return nil }
        createsScheduledAt = at
        return at
    }

    /// Whether a `.creates` entry at `at` is the live one; it is consumed.
    mutating func createsDue(at: Instant) -> Bool {
        guard createsScheduledAt == at else { return false }
        createsScheduledAt = nil
        return true
    }

    /// The stream at the head of the create queue.
    var firstQueuedCreate: Int? { createQueue.first }

    /// Removes the head of the create queue (it got its token, or no longer waits).
    mutating func removeFirstQueuedCreate() { createQueue.removeFirst() }

    /// Takes a token for the head of the create queue at `now`, or returns false.
    mutating func takeQueuedCreateToken(now: Instant) -> Bool { creates.take(now: now) }

    /// Whether streams wait for a create token.
    var hasCreatesWaiting: Bool { !createQueue.isEmpty }

    /// Twilio refused a create with 429: slow creates down (`CreateLimiter.rateLimited`).
    mutating func createRateLimited(retryAfter: Duration?, now: Instant) {
        creates.rateLimited(retryAfter: retryAfter, now: now)
    }

    /// A create succeeded.
    mutating func createSucceeded(now: Instant) { creates.succeeded(now: now) }
}
