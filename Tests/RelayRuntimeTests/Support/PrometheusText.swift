/// A strict reader of the Prometheus text exposition format (0.0.4), enough to check what `/metrics` serves: every
/// line is a `# HELP`/`# TYPE` comment or a `name{labels} value` sample, and every sample's family has both a HELP
/// and a TYPE line before it.
struct PrometheusText {
    /// One sample line.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Why the text is not valid exposition format.
    struct FormatError: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    private(set) var samples: [Sample] = []
    /// TYPE by family name.
    private(set) var types: [String: String] = [:]
    /// HELP by family name.
    private(set) var help: [String: String] = [:]

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.isEmpty {
                // Only the end of the last line may be empty.
                guard index == lines.count - 1 else {
                    throw FormatError(line: number, reason: "empty line")
                }
                continue
            }
            if line.hasPrefix("#") {
                try readComment(String(line), number: number)
            } else {
                let sample = try Self.readSample(String(line), number: number)
                let family = try familyName(of: sample.name, number: number)
                guard help[family] != nil else {
                    throw FormatError(line: number, reason: "sample \(sample.name) has no HELP for \(family)")
                }
                samples.append(sample)
            }
        }
    }

    /// The value of the sample named `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// The samples named `name`.
    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// Every family name with a TYPE line.
    var families: Set<String> { Set(types.keys) }

    private mutating func readComment(_ line: String, number: Int) throws {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "#" else { throw FormatError(line: number, reason: "bad comment") }
        let name = parts[2]
        guard Self.isMetricName(name) else { throw FormatError(line: number, reason: "bad metric name \(name)") }
        switch parts[1] {
        case "HELP":
            guard help[name] == nil else { throw FormatError(line: number, reason: "second HELP for \(name)") }
            help[name] = parts.count > 3 ? parts[3] : ""
        case "TYPE":
            guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                throw FormatError(line: number, reason: "bad TYPE line")
            }
            guard types[name] == nil else { throw FormatError(line: number, reason: "second TYPE for \(name)") }
            types[name] = parts[3]
        default:
            throw FormatError(line: number, reason: "comment is neither HELP nor TYPE")
        }
    }

    /// The family a sample belongs to: itself, or for histograms the name without `_bucket`, `_sum`, `_count`.
    private func familyName(of name: String, number: Int) throws -> String {
        if types[name] != nil, types[name] != "histogram" { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        throw FormatError(line: number, reason: "sample \(name) has no TYPE")
    }

    private static func readSample(_ line: String, number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { throw FormatError(line: number, reason: "bad sample name in \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = String(rest.prefix { $0 != "=" })
                guard isLabelName(key), labels[key] == nil else {
                    throw FormatError(line: number, reason: "bad label name in \(line)")
                }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { throw FormatError(line: number, reason: "label without value") }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let character = rest.popFirst() else {
                        throw FormatError(line: number, reason: "unterminated label value")
                    }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch rest.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw FormatError(line: number, reason: "bad escape in label value")
                        }
                    } else {
                        value.append(character)
                    }
                }
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard rest.first != nil else { throw FormatError(line: number, reason: "unterminated labels") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw FormatError(line: number, reason: "no space before the value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = parseValue(String(fields[0])) else {
            throw FormatError(line: number, reason: "bad value in \(line)")
        }
        if fields.count == 2, Int64(fields[1]) == nil {
            throw FormatError(line: number, reason: "bad timestamp in \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func parseValue(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == ":"
        }
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_"
        }
    }
}
