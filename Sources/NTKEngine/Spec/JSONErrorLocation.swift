import Foundation

/// Turns a JSONSerialization failure into a located `SpecError` ("line 3, column 14: …").
///
/// Why: Foundation's own message is "The data is not in the correct format"; its userInfo
/// (`NSDebugDescription`) carries a byte offset ("around character 15") for most syntax errors,
/// the offending literal for out-of-range numbers ("Number 1e309 is not representable"), and
/// nothing for an early end of file. We translate that offset to a 1-based line and column
/// (columns count UTF-8 bytes after the last newline, like compilers do for ASCII text).
public enum JSONErrorLocation {
    /// Largest nesting depth JSONSerialization accepts (it refuses the 513th level).
    public static let maxDepth = 512

    /// 1-based (line, column) of byte `offset` in `bytes` (clamped to the text).
    public static func lineColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, col = 1
        for b in bytes.prefix(max(0, min(offset, bytes.count))) {
            if b == 0x0A { line += 1; col = 1 } else { col += 1 }
        }
        return (line, col)
    }

    /// A located error for JSON text that `JSONSerialization` refused with `error`.
    public static func specError(for error: Error, in data: Data) -> SpecError {
        let bytes = [UInt8](data)
        let debug = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        func at(_ offset: Int, _ message: String) -> SpecError {
            let (l, c) = lineColumn(of: offset, in: bytes)
            return SpecError("line \(l), column \(c)", message)
        }
        // "Number 1e309 is not representable in Swift." — find the literal to locate it.
        if debug.hasPrefix("Number "), let end = debug.range(of: " is not representable") {
            let literal = String(debug[debug.index(debug.startIndex, offsetBy: 7)..<end.lowerBound])
            let where_ = firstOffset(of: Array(literal.utf8), in: bytes) ?? bytes.count
            return at(where_, "number \(literal) is out of range (JSON numbers must be finite doubles, |x| ≤ 1.8e308)")
        }
        if debug.contains("Unexpected end of file") || debug.contains("Unexpected end") {
            return at(bytes.count, "not valid JSON: the text ends early (an unclosed bracket, brace or string?)")
        }
        if let r = debug.range(of: "around character "), var n = Int(debug[r.upperBound...].prefix { $0.isNumber }) {
            // The parser may stop inside a bare word ("this" fails at 'h' while reading "true"):
            // point at the start of that word instead.
            func wordByte(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E }
            n = min(max(n, 0), bytes.count)
            while n > 0, n < bytes.count, wordByte(bytes[n]), wordByte(bytes[n - 1]) { n -= 1 }
            let rest = bytes.dropFirst(n)
            let head = String(decoding: rest.prefix(12), as: UTF8.self)
            if debug.contains("Too many nested") {
                return at(n, "not valid JSON: nested deeper than \(maxDepth) levels")
            }
            for word in ["NaN", "Infinity", "-Infinity", "inf", "nan", "-inf"] where head.hasPrefix(word) {
                return at(n, "\(word) is not a JSON number; use a finite number")
            }
            if n >= bytes.count { return at(n, "not valid JSON: the text ends early") }
            let shown = head.prefix { !$0.isWhitespace }.prefix(8)
            return at(n, "not valid JSON: unexpected \(shown.isEmpty ? "character" : "\"\(shown)\"")")
        }
        if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return SpecError("line 1, column 1", "not valid JSON: the file is empty")
        }
        return SpecError("(document)", "not valid JSON (\(debug.isEmpty ? error.localizedDescription : debug))")
    }

    static func firstOffset(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

/// Levenshtein distance, for "did you mean …?" suggestions.
public enum EditDistance {
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// The closest candidate within distance max(1, len/3), if any.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first, best.1 <= max(1, word.count / 3), best.1 > 0 || word != best.0 else { return nil }
        return best.0
    }
}
