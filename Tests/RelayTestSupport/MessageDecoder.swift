import Foundation
import RelayCore

/// The subscriber's side of docs/message-format.md, written independently of the packer with Foundation's JSON parser:
/// it checks every message, reassembles chunks and yields the records in sequence order.
public struct MessageDecoder {
    /// One record as a subscriber sees it.
    public struct DecodedRecord {
        public var entry: [String: Any]
        public var sequence: UInt64
    }

    public enum DecodeError: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let reason): reason
            }
        }
    }

    public var budget: Int
    private var chunks: [UInt64: [Int: String]] = [:]
    private var chunkCounts: [UInt64: Int] = [:]
    public private(set) var records: [DecodedRecord] = []
    public private(set) var sequences: [UInt64] = []

    public init(budget: Int) {
        self.budget = budget
    }

    /// Checks one message's `Data` bytes against the format and the budget, and collects its records.
    public mutating func receive(_ data: [UInt8]) throws {
        guard data.count <= budget else { throw DecodeError.invalid("message of \(data.count) bytes > \(budget)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else {
            throw DecodeError.invalid("Data is not a JSON object")
        }
        guard (object["v"] as? NSNumber)?.intValue == 1 else { throw DecodeError.invalid("bad version") }
        guard let sequence = (object["q"] as? NSNumber)?.uint64Value else { throw DecodeError.invalid("no q") }
        sequences.append(sequence)
        if let entries = object["r"] as? [[String: Any]] {
            guard !entries.isEmpty else { throw DecodeError.invalid("empty r") }
            for entry in entries { records.append(DecodedRecord(entry: entry, sequence: sequence)) }
        } else if let chunk = object["c"] as? [String: Any], let piece = object["d"] as? String {
            guard let id = (chunk["id"] as? NSNumber)?.uint64Value, let index = (chunk["i"] as? NSNumber)?.intValue,
                let count = (chunk["n"] as? NSNumber)?.intValue, index >= 0, index < count
            else { throw DecodeError.invalid("bad chunk header") }
            chunks[id, default: [:]][index] = piece
            chunkCounts[id] = count
            if chunks[id]!.count == count {
                let text = (0..<count).map { chunks[id]![$0]! }.joined()
                guard let entry = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                    throw DecodeError.invalid("reassembled chunk is not an object")
                }
                records.append(DecodedRecord(entry: entry, sequence: id))
                chunks[id] = nil
            }
        } else {
            throw DecodeError.invalid("neither r nor c/d")
        }
    }

    /// Chunk groups still incomplete.
    public var incompleteChunkGroups: Int { chunks.count }

    /// Whether `entry` carries exactly `record` under `format`.
    public static func matches(_ entry: [String: Any], _ record: SourceRecord, format: MessageFormatOptions) -> Bool {
        if format.includePartition, (entry["p"] as? NSNumber)?.int32Value != record.partition { return false }
        if format.includeOffset, (entry["o"] as? NSNumber)?.int64Value != record.offset { return false }
        if format.includeTopic, entry["tp"] as? String != record.topic { return false }
        if format.includeTimestamp, (entry["t"] as? NSNumber)?.int64Value != record.timestamp { return false }
        if format.includeKey {
            let key: [UInt8]? =
                if let text = entry["k"] as? String { Array(text.utf8) } else if let b = entry["kb"] as? String {
                    Data(base64Encoded: b).map { Array($0) }
                } else { nil }
            if key != record.key { return false }
        }
        if format.includeHeaders {
            let headers = (entry["h"] as? [[Any]]) ?? []
            guard headers.count == record.headers.count else { return false }
            for (pair, header) in zip(headers, record.headers) {
                guard pair.count == 2, pair[0] as? String == header.name else { return false }
                let value: [UInt8]? =
                    if let text = pair[1] as? String {
                        Array(text.utf8)
                    } else if let b = pair[1] as? [String: Any],
                        let text = b["b"] as? String
                    { Data(base64Encoded: text).map { Array($0) } } else { nil }
                if value != header.value { return false }
            }
        }
        return valueMatches(entry, record.value)
    }

    public static func valueMatches(_ entry: [String: Any], _ value: [UInt8]?) -> Bool {
        let present = ["j", "s", "b"].filter { entry[$0] != nil }
        guard let value else { return present.isEmpty }
        guard present.count == 1 else { return false }
        switch present[0] {
        case "j":
            guard
                let original = try? JSONSerialization.jsonObject(with: Data(value), options: .fragmentsAllowed)
                    as? NSObject, let decoded = entry["j"] as? NSObject
            else { return false }
            return original.isEqual(decoded)
        case "s":
            return (entry["s"] as? String).map { Array($0.utf8) } == value
        default:
            return (entry["b"] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } == value
        }
    }
}
