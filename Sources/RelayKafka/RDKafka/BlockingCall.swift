import Foundation

/// Runs a blocking librdkafka call (flush, destroy) on a thread of its own and awaits its result, so it never
/// holds one of the few threads of Swift's cooperative pool (on Linux also shared with Dispatch's global queues).
enum BlockingCall {
    static func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "kafka-blocking"
            thread.start()
        }
    }
}
