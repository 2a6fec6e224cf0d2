import Foundation
import RelaySync

/// Renders streams and messages as a table or as JSON in Twilio's field names.
enum StreamsOutput {
    static func print(_ streams: [SyncStream], format: StreamsOutputFormat) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(streams)) ?? Data("[]".utf8)
            Swift.print(String(decoding: data, as: UTF8.self))
        case .table:
            let header = ["SID", "UNIQUE NAME", "EXPIRES", "CREATED"]
            let rows = streams.map { [$0.sid, $0.uniqueName ?? "-", $0.dateExpires ?? "never", $0.dateCreated ?? "-"] }
            printTable(header: header, rows: rows)
        }
    }

    static func print(_ stream: SyncStream, format: StreamsOutputFormat) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(stream)) ?? Data("{}".utf8)
            Swift.print(String(decoding: data, as: UTF8.self))
        case .table:
            print([stream], format: .table)
        }
    }

    static func print(_ message: SyncStreamMessage, format: StreamsOutputFormat) {
        switch format {
        case .json: Swift.print(#"{"data":\#(message.dataJSON),"sid":"\#(message.sid)"}"#)
        case .table: Swift.print("published \(message.sid)")
        }
    }

    private static func printTable(header: [String], rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }
}
