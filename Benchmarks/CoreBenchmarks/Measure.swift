/// Timing and memory helpers for the engine benchmarks. Results are printed, never asserted (STYLE.md habit 12).
enum Measure {
    /// Runs `body` (which returns how many operations it did) `rounds` times and returns the best operations per
    /// second, so a noisy neighbour on a shared machine lowers the figure least.
    static func bestRate(rounds: Int = 5, _ body: () -> Int) -> Double {
        var best = 0.0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            var operations = 0
            let elapsed = clock.measure { operations = body() }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = max(best, Double(operations) / seconds)
        }
        return best
    }

    /// Keeps `value` alive and observable so the optimizer cannot remove the work that produced it.
    @inline(never)
    static func consume<T>(_ value: T) {
        withExtendedLifetime(value) {}
    }
}

/// Formats figures for the report.
extension Double {
    var grouped: String {
        let whole = Int(self + 0.5)
        var digits = String(whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: ",")
    }
}

extension Int {
    var grouped: String { Double(self).grouped }
}

extension Double {
    /// One decimal place.
    var tenths: String { String((self * 10).rounded() / 10) }
}
