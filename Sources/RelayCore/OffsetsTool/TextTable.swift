/// A plain-text table: a header row and rows, columns padded to their widest cell, two spaces apart, numbers
/// right-aligned. For terminal output that a person reads and `awk` can still split.
struct TextTable {
    var header: [String]
    var rows: [[String]]
    /// Which columns are right-aligned.
    var rightAligned: Set<Int> = []

    /// The header and the rows, each a line without trailing spaces.
    var lines: [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
    }
}
