import Foundation

/// How matrix values are mapped to colours.
///
/// Kernel entries often span orders of magnitude (log) or have a few outliers that would
/// flatten the rest of the picture (percentile clip); the choice is always printed next to
/// the colorbar so a picture is never misread.
public enum Normalization: Hashable, Sendable {
    /// min…max of the finite values.
    case linear
    /// log10 between the smallest positive and the largest value; non-positive values get
    /// the lowest colour.
    case log
    /// Linear between the `lower` and `upper` percentiles (0…100); values outside are clipped.
    case percentileClip(lower: Double, upper: Double)

    /// Short label shown by the colorbar.
    public var label: String {
        switch self {
        case .linear: return "linear"
        case .log: return "log10"
        case let .percentileClip(lo, hi): return "clip p\(NumberFormat.compact(lo))-p\(NumberFormat.compact(hi))"
        }
    }
}

/// The resolved value → [0, 1] mapping of a particular matrix (domain computed once).
public struct ValueScale: Hashable, Sendable {
    public let normalization: Normalization
    /// Data-space ends of the colour bar.
    public let low: Double
    public let high: Double
    /// Whether `low...high` is symmetric around 0 for a diverging colormap.
    public let centered: Bool

    /// Computes the domain of `values` for `normalization`. Diverging maps get a symmetric
    /// domain ±max|v| (log is not meaningful there and falls back to linear).
    public init(values: [Double], normalization: Normalization, diverging: Bool) {
        let finite = values.filter { $0.isFinite }
        var norm = normalization
        if diverging, case .log = norm { norm = .linear }
        var lo = 0.0, hi = 1.0
        if !finite.isEmpty {
            switch norm {
            case .linear:
                lo = finite.min() ?? 0; hi = finite.max() ?? 1
            case .log:
                let pos = finite.filter { $0 > 0 }
                lo = pos.min() ?? 1; hi = pos.max() ?? 1
            case let .percentileClip(pl, ph):
                let sorted = finite.sorted()
                lo = ValueScale.percentile(sorted, min(pl, ph)); hi = ValueScale.percentile(sorted, max(pl, ph))
            }
        }
        if diverging {
            let m = max(abs(lo), abs(hi))
            lo = -m; hi = m
        }
        self.normalization = norm
        self.low = lo; self.high = hi; self.centered = diverging
    }

    /// Position of `v` in 0...1 (clamped); NaN for NaN input.
    public func unit(_ v: Double) -> Double {
        if v.isNaN { return .nan }
        switch normalization {
        case .log:
            guard v > 0, low > 0, high > low else { return v > 0 && high == low ? 0.5 : 0 }
            return min(1, max(0, (log10(v) - log10(low)) / (log10(high) - log10(low))))
        default:
            guard high > low else { return 0.5 }
            return min(1, max(0, (v - low) / (high - low)))
        }
    }

    /// Linear-interpolated percentile `p` (0…100) of sorted values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let pos = min(1, max(0, p / 100)) * Double(sorted.count - 1)
        let i = Int(pos.rounded(.down))
        let j = min(sorted.count - 1, i + 1)
        return sorted[i] + (sorted[j] - sorted[i]) * (pos - Double(i))
    }
}
