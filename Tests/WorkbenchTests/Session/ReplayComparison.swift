import Foundation
import NTKEngine

/// How a replay's outputs are compared with the stored fixture (scripts/replay-fixtures.sh
/// writes it; its header states the same rules):
/// - `.npy`/`.csv` by value: shapes, dtypes, CSV headers and non-numeric cells exactly, every
///   number within `|a − b| ≤ tolerance · max(S, 1)`, S the largest finite |value| of the
///   reference array (of the column, for CSVs);
/// - text by hash after `normalized` (timings, numbers below 1e-12, manifest checksums masked);
/// - figures by hash; a changed figure is accepted only when its numeric source changed bytes
///   but agreed within the tolerance (`figureProblem`).
///
/// Why 1e-12: exact float64 recomputations that only reassociate sums moved the fixture's
/// values by at most 5.7e-16 (plane engine) and 3.8e-14 (SO(3) fast path) relative to their
/// array's largest value (6e3ca88); 1e-12 is 26× the worst, and any change of a layer,
/// parameter, input or formula moves kernel values by far more (≥ 1e-6 in practice). The
/// floor 1 makes the bound absolute for columns that are rounding error themselves (the
/// augmentation experiment's relative difference ≈ 1e-15, already in units of the output).
enum ReplayComparison {
    static let tolerance = 1e-12

    enum Kind { case numeric, figure, text }

    static func kind(_ file: String) -> Kind {
        if file.hasSuffix(".npy") || file.hasSuffix(".csv") { return .numeric }
        if file.hasSuffix(".png") || file.hasSuffix(".svg") || file.hasSuffix(".pdf") { return .figure }
        return .text
    }

    /// The file name without its extension: a figure's numeric source has the same stem.
    static func stem(_ file: String) -> String {
        guard let dot = file.lastIndex(of: ".") else { return file }
        return String(file[..<dot])
    }

    /// Problems of `got` against `want` (empty when they agree); `what` names the file.
    static func compareNPY(_ got: [UInt8], _ want: [UInt8], what: String) -> [String] {
        let g: NPYArray, w: NPYArray
        do {
            g = try NPY.decode(got, path: what)
            w = try NPY.decode(want, path: what + " (fixture)")
        } catch { return ["\(what): \(error)"] }
        if g.dtype != w.dtype { return ["\(what): dtype \(g.dtype.rawValue), fixture has \(w.dtype.rawValue)"] }
        if g.shape != w.shape { return ["\(what): shape \(g.shape), fixture has \(w.shape)"] }
        return compareValues(g.data, w.data, what: what, at: { "[\($0)]" })
    }

    /// Problems of CSV text `got` against `want`: same rows, same cells per row, non-numeric
    /// cells (headers, series names, empty cells) equal, numbers within the tolerance of their
    /// column's scale.
    static func compareCSV(_ got: String, _ want: String, what: String) -> [String] {
        let g = parseCSV(got), w = parseCSV(want)
        if g.count != w.count { return ["\(what): \(g.count) rows, fixture has \(w.count)"] }
        var problems: [String] = []
        var columns: [Int: (got: [Double], want: [Double], cells: [String])] = [:]
        for (r, (gr, wr)) in zip(g, w).enumerated() {
            if gr.count != wr.count { problems.append("\(what): row \(r + 1) has \(gr.count) cells, fixture has \(wr.count)"); continue }
            for (c, (gc, wc)) in zip(gr, wr).enumerated() {
                if let wv = number(wc), let gv = number(gc) {
                    columns[c, default: ([], [], [])].got.append(gv)
                    columns[c, default: ([], [], [])].want.append(wv)
                    columns[c, default: ([], [], [])].cells.append("row \(r + 1) col \(c + 1)")
                } else if gc != wc {
                    problems.append("\(what): row \(r + 1) col \(c + 1) is \"\(gc)\", fixture has \"\(wc)\"")
                }
            }
        }
        for c in columns.keys.sorted() {
            guard let col = columns[c] else { continue }
            problems += compareValues(col.got, col.want, what: what, at: { " " + col.cells[$0] })
        }
        return problems
    }

    /// Element-wise comparison at the tolerance of `want`'s scale; at most 5 problems listed.
    static func compareValues(_ got: [Double], _ want: [Double], what: String, at: (Int) -> String) -> [String] {
        let scale = max(1, want.lazy.filter(\.isFinite).map(abs).max() ?? 0)
        let bound = tolerance * scale
        var problems: [String] = []
        var bad = 0
        for (i, (g, w)) in zip(got, want).enumerated() {
            let ok = g.isFinite && w.isFinite ? abs(g - w) <= bound : (g.isNaN && w.isNaN) || g == w
            if ok { continue }
            bad += 1
            if problems.count < 5 {
                problems.append("\(what)\(at(i)): \(g), fixture has \(w) (|Δ| = \(abs(g - w)), allowed \(bound))")
            }
        }
        if bad > problems.count { problems.append("\(what): \(bad) values outside the tolerance in all") }
        return problems
    }

    /// Why a changed figure fails, or nil when the change is accepted. `source`: whether its
    /// numeric source (same stem) exists and changed bytes (`true`) or not (`false`);
    /// `sourceAgrees`: whether that source passed the value comparison.
    static func figureProblem(_ figure: String, source: String?, sourceChangedBytes: Bool, sourceAgrees: Bool) -> String? {
        guard let source else { return "\(figure) changed and has no numeric source to explain it" }
        if !sourceChangedBytes { return "\(figure) changed while \(source) is byte-identical: a drawing change" }
        if !sourceAgrees { return "\(figure) changed with \(source), whose values are outside the tolerance" }
        return nil
    }

    /// A CSV cell as a number, or nil for text and empty cells. Only the forms our writers use
    /// (Swift's `description` of a Double: "0.25", "1e-05", "nan", "inf", "-inf").
    static func number(_ cell: String) -> Double? {
        guard let first = cell.unicodeScalars.first, "0123456789-+.ni".unicodeScalars.contains(first) else { return nil }
        return Double(cell)
    }

    /// RFC 4180 rows: commas split cells, double quotes quote (with "" for a quote).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = ""
        var quoted = false, it = text.makeIterator(), pending: Character? = nil
        while let ch = pending ?? it.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let next = it.next() { if next == "\"" { cell.append("\"") } else { quoted = false; pending = next } } else { quoted = false }
                } else { cell.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { row.append(cell); cell = "" }
            else if ch == "\n" || ch == "\r\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(ch) }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }

    /// The masks of scripts/replay-fixtures.sh: in .txt every "<number> s" (timings) and every
    /// number below 1e-12 written in e-notation (rounding error, e.g. "4.1e-16"); in
    /// *.manifest.json every SHA-256 (each listed file is compared on its own).
    static func normalized(_ data: Data, name: String) -> Data {
        let rules: [(String, String)]
        if name.hasSuffix(".txt") {
            rules = [(#"[0-9]+(?:\.[0-9]+)? s\b"#, "# s"), (#"[0-9](?:\.[0-9]+)?e-(?:1[3-9]|[2-9][0-9]|[1-9][0-9]{2})\b"#, "#e-small")]
        } else if name.hasSuffix(".manifest.json") {
            rules = [(#"("sha256" : ")[0-9a-f]{64}"#, "$1masked")]
        } else { return data }
        var text = String(decoding: data, as: UTF8.self)
        for (pattern, template) in rules {
            guard let re = try? NSRegularExpression(pattern: pattern) else { continue }
            text = re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return Data(text.utf8)
    }
}
