import Foundation
import RelayRuntime
import RelayTimers
import ServiceLifecycle
import SyncEmulator

/// The demo's live terminal view: once a second, per stream, records in/s, messages out/s, records per message,
/// fill of the 4 KiB budget, queue and drops; then the emulator's figures and the Maps keeping snapshots.
struct DemoView: Service {
    let statistics: DemoStatistics
    let emulator: SyncEmulator
    let streams: [String]
    let banner: [String]
    let interactive: Bool

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var previous = statistics.snapshot
            while (try? await Timers.sleep(for: .seconds(1))) != nil {
                let current = statistics.snapshot
                let screen = render(current: current, previous: previous)
                FileHandle.standardOutput.write(Data(((interactive ? "\u{1B}[H\u{1B}[2J" : "") + screen + "\n").utf8))
                previous = current
            }
        }
    }

    func render(current: [String: DemoStatistics.Figures], previous: [String: DemoStatistics.Figures]) -> String {
        var lines = banner
        lines.append("")
        lines.append(
            pad("stream", 16) + pad("in/s", 9) + pad("msg out/s", 11) + pad("rec/msg", 9) + pad("fill", 7)
                + pad("queue", 8) + "dropped")
        for stream in streams {
            let now = current[stream] ?? .init()
            let before = previous[stream] ?? .init()
            let messages = now.messagesOut - before.messagesOut
            let records = now.recordsOut - before.recordsOut
            let bytes = now.bytesOut - before.bytesOut
            let perMessage = messages > 0 ? String(format: "%.1f", Double(records) / Double(messages)) : "-"
            let fill = messages > 0 ? String(format: "%.0f%%", Double(bytes) / Double(messages) / 40.96) : "-"
            let drops = now.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append(
                pad(stream, 16) + pad("\(now.recordsIn - before.recordsIn)", 9) + pad("\(messages)", 11)
                    + pad(perMessage, 9)
                    + pad(fill, 7) + pad("\(now.queued)", 8) + (drops.isEmpty ? "0" : drops)
                    + (now.deadLettered > 0 ? "; dead-lettered \(now.deadLettered)" : ""))
            if now.streamsCreated > 0 {
                // A keyed route, one stream per key: summarised, never one line per key.
                lines.append(
                    "  one stream per key: \(now.activeStreams) active, \(now.streamsCreated) created, \(now.streamsReleased) released when idle"
                )
            }
        }
        let stats = emulator.stats()
        lines.append("")
        lines.append(
            "emulator: \(stats.accepted) messages accepted, rejections \(stats.rejections.isEmpty ? "none" : "\(stats.rejections)") (strict 30/s per stream)"
        )
        for map in emulator.maps() {
            let name = map.uniqueName ?? map.sid
            let writes = emulator.writeLog(map: map.sid)?.count ?? 0
            lines.append(
                "snapshot: Map \(name) holds \(emulator.mapItems(map.sid).count) items (each key's latest value, for pages that open later), \(writes) writes"
            )
        }
        lines.append("Ctrl-C stops the demo and prints a summary.")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
