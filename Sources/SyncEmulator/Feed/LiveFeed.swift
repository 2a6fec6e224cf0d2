import Foundation
import Synchronization

/// Fans accepted messages out to live-feed watchers (server-sent events).
///
/// Each watcher gets a bounded buffer (newest 256 events kept): a slow browser never holds the emulator back.
final class LiveFeed: Sendable {
    private struct Watcher: Sendable {
        let stream: String?
        let continuation: AsyncStream<AcceptedMessage>.Continuation
    }

    private let watchers = Mutex([UUID: Watcher]())

    /// Events for one stream (SID or unique name), or for all streams when `stream` is `nil`.
    func watch(stream: String?) -> AsyncStream<AcceptedMessage> {
        let (events, continuation) = AsyncStream.makeStream(
            of: AcceptedMessage.self, bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        watchers.withLock { $0[id] = Watcher(stream: stream, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in
            self?.watchers.withLock { $0[id] = nil }
        }
        return events
    }

    /// The number of connected watchers.
    var watcherCount: Int { watchers.withLock { $0.count } }

    /// Delivers an accepted message to matching watchers.
    func publish(_ message: AcceptedMessage) {
        let targets = watchers.withLock { watchers in
            watchers.values.filter { watcher in
                guard let stream = watcher.stream else { return true }
                return stream == message.streamSID || stream == message.streamUniqueName
            }
        }
        for watcher in targets { watcher.continuation.yield(message) }
    }

    /// Formats one message as a server-sent event.
    static func serverSentEvent(_ message: AcceptedMessage) -> String {
        let payload = JSONBody.encode([
            "sid": message.sid,
            "stream_sid": message.streamSID,
            "unique_name": message.streamUniqueName ?? NSNull(),
            "sequence": message.sequence,
            "arrived_at": message.arrivedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "data": (try? JSONSerialization.jsonObject(with: Data(message.data.utf8))) ?? NSNull(),
        ])
        return "id: \(message.sequence)\nevent: message\ndata: \(String(decoding: payload, as: UTF8.self))\n\n"
    }
}
