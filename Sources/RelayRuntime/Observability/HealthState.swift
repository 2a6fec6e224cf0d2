import Synchronization

/// Whether the relay is alive and ready, and why not: what `/healthz` and `/readyz` answer and what systemd is told.
///
/// Ready means: Kafka has assigned partitions to this member (or the group has nothing to assign yet but the
/// brokers answer), and Twilio is reachable and accepts the credentials. Each part is set by the component that
/// knows it; readers get a consistent snapshot.
public final class HealthState: Sendable {
    /// One part of readiness.
    public enum Component: String, Sendable, CaseIterable, Comparable {
        case kafka
        case twilio
        /// Ready unless the Schema Registry has been unreachable for `schemaRegistry.unreadyAfter` while records
        /// waited for a schema (it starts ready: the registry is needed only on demand).
        case schemaRegistry = "schema-registry"
        public static func < (lhs: Component, rhs: Component) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A snapshot.
    public struct Snapshot: Sendable, Equatable {
        /// Why each not-ready component is not ready; empty when ready.
        public var problems: [Component: String]
        /// Whether every component is ready.
        public var isReady: Bool { problems.isEmpty }
    }

    private let state: Mutex<[Component: String]>
    private let onChange: @Sendable (Snapshot) -> Void

    /// Starts with every component not ready ("starting"). `onChange` is called (outside the lock) whenever
    /// readiness flips.
    public init(onChange: @escaping @Sendable (Snapshot) -> Void = { _ in }) {
        var initial: [Component: String] = [:]
        for component in Component.allCases where component != .schemaRegistry { initial[component] = "starting" }
        state = Mutex(initial)
        self.onChange = onChange
    }

    /// Marks `component` ready.
    public func setReady(_ component: Component) { set(component, problem: nil) }

    /// Marks `component` not ready, with a reason safe to show (no secrets).
    public func setNotReady(_ component: Component, reason: String) { set(component, problem: reason) }

    /// The current state.
    public var snapshot: Snapshot { Snapshot(problems: state.withLock { $0 }) }

    private func set(_ component: Component, problem: String?) {
        let change = state.withLock { problems -> Snapshot? in
            let wasReady = problems.isEmpty
            let previous = problems[component]
            problems[component] = problem
            if wasReady != problems.isEmpty || previous != problem { return Snapshot(problems: problems) }
            return nil
        }
        if let change { onChange(change) }
    }
}
