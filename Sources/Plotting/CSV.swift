import Foundation

/// RFC 4180 CSV helpers: the data behind every figure can be exported for other tools.
public enum CSV {
    /// Quotes a field when it contains a comma, quote or newline.
    public static func field(_ s: String) -> String {
        if s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Shortest round-tripping decimal representation; NaN as `NaN`.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
        return "\(v)"
    }
}
