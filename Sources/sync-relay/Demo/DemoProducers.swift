import Foundation
import Logging
import RelayKafka
import RelayTimers
import ServiceLifecycle

/// The demo's sample producers: each writes records (JSON, or its own `value`) to its topic at a steady rate until
/// shutdown.
struct DemoProducers: Service {
    /// One producer's topic, rate and record shape.
    struct Feed: Sendable {
        var topic: String
        var recordsPerSecond: Double
        var valueBytes: Int
        /// Records are keyed `<keyPrefix><n mod keys>`.
        var keys = 16
        var keyPrefix = "sensor-"
        /// The value of record `n`; nil writes JSON of about `valueBytes`.
        var value: (@Sendable (Int) -> [UInt8])? = nil
    }

    let producer: KafkaProducer
    let feeds: [Feed]

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for feed in feeds where feed.recordsPerSecond > 0 {
                group.addTask { await produce(feed) }
            }
            // Producers stop at graceful shutdown, first of all: intake ends before the relay drains.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Sends in ticks of 50 ms, as many records as the rate allows, without waiting for each acknowledgement.
    private func produce(_ feed: Feed) async {
        let clock = ContinuousClock()
        let start = clock.now
        var sent = 0
        let padding = String(repeating: "·", count: max(0, feed.valueBytes - 60) / 2)
        await withDiscardingTaskGroup { inFlight in
            while !Task.isCancelled {
                let due = Int(feed.recordsPerSecond * (clock.now - start).seconds)
                while sent < due {
                    let value =
                        feed.value?(sent)
                        ?? Array(
                            "{\"feed\":\"\(feed.topic)\",\"n\":\(sent),\"at\":\(Int(Date().timeIntervalSince1970 * 1000)),\"pad\":\"\(padding)\"}"
                                .utf8)
                    let key = "\(feed.keyPrefix)\(sent % max(1, feed.keys))"
                    inFlight.addTask {
                        _ = try? await producer.send(topic: feed.topic, key: Array(key.utf8), value: value)
                    }
                    sent += 1
                }
                try? await Timers.sleep(for: .milliseconds(50))
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
