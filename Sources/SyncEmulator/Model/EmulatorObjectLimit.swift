import Foundation

/// How the emulator enforces Twilio's write rate per Document and per Map (a Map's item writes count against the
/// whole Map).
///
/// Twilio's limits page gives 20 writes per second per object with a 10 s burst window, and says objects over 1 KiB
/// are throttled harder (2 writes per second at 10 KiB). The emulator reads this as a cost: a write whose `Data` is n
/// bytes costs `max(1, n / 1024)` units (a real number; a delete or a write without `Data` costs 1), and an object
/// may spend `unitsPerSecond` units per second. Both of Twilio's figures fit: 20 small writes or 2 writes of 10 KiB.
public enum EmulatorObjectLimit: Sendable, Hashable {
    /// The accepted costs in any sliding one-second window, this write included, never exceed `unitsPerSecond`: the
    /// strictest reading, for tests that prove a writer's pacing.
    case strict(unitsPerSecond: Double = 20)
    /// Twilio-like: the accepted costs in any sliding window of `windowSeconds` never exceed
    /// `unitsPerSecond × windowSeconds`, so a burst above the rate is accepted while the window has room.
    case windowed(unitsPerSecond: Double = 20, windowSeconds: Double = 10)
    /// No limit (benchmarks).
    case unlimited

    /// The window in seconds and the units it may hold; nil when unlimited.
    var budget: (window: Double, capacity: Double)? {
        switch self {
        case .strict(let rate): (1, rate)
        case .windowed(let rate, let window): (window, rate * window)
        case .unlimited: nil
        }
    }
}

/// What one object write costs against its object's budget.
enum ObjectWriteCost {
    /// `max(1, bytes / 1024)` for a write carrying `bytes` of `Data`; 1 without `Data` (a delete, a TTL change).
    static func of(dataBytes bytes: Int?) -> Double {
        guard let bytes else { return 1 }
        return max(1, Double(bytes) / 1024)
    }
}

/// One object's write budget. A pure value: `allows` and `record` are given the time, so tests drive it with
/// explicit instants.
struct ObjectWriteLimiter: Sendable {
    let rule: EmulatorObjectLimit
    /// Accepted writes still inside the window, oldest first: at most `capacity` of them (a write costs 1 or more).
    private var recent: [(at: Date, cost: Double)] = []

    /// Costs are sums of real numbers: a write that exactly fills the budget must not be refused for a rounding error.
    private static let tolerance = 1e-9

    init(rule: EmulatorObjectLimit) {
        self.rule = rule
    }

    /// Whether a write of `cost` arriving at `now` fits the budget (nothing is recorded).
    ///
    /// Accepted writes arrive in time order, so the trailing window ending at `now` is the fullest window holding
    /// this write: checking it checks them all.
    func allows(cost: Double, at now: Date) -> Bool {
        guard let (window, capacity) = rule.budget else { return true }
        let spent = recent.reduce(0) { total, write in
            now.timeIntervalSince(write.at) < window ? total + write.cost : total
        }
        return spent + cost <= capacity + Self.tolerance
    }

    /// Records an accepted write (forgetting those that left the window).
    mutating func record(cost: Double, at now: Date) {
        guard let (window, _) = rule.budget else { return }
        recent.removeAll { now.timeIntervalSince($0.at) >= window }
        recent.append((now, cost))
    }
}
