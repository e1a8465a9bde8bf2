import Foundation

/// Linear or logarithmic axis scale.
public enum AxisScale: Hashable, Sendable {
    case linear
    /// Base-10 log; the range is widened to whole decades and ticks sit at 10^k.
    case log
}

/// Description of one plot axis, as the caller specifies it.
public struct Axis: Hashable, Sendable {
    public var label: String
    public var scale: AxisScale
    /// Fixed data range; `nil` means "fit the data" (with nice rounded ends).
    public var range: ClosedRange<Double>?

    public init(label: String = "", scale: AxisScale = .linear, range: ClosedRange<Double>? = nil) {
        self.label = label; self.scale = scale; self.range = range
    }

    /// Resolves the axis for data `values` with about `targetTicks` ticks.
    public func resolve(values: [Double], targetTicks: Int) -> ResolvedAxis {
        ResolvedAxis(axis: self, values: values, targetTicks: targetTicks)
    }
}

/// An axis with its final range and ticks; maps data values to 0...1.
public struct ResolvedAxis: Hashable, Sendable {
    public let scale: AxisScale
    public let low: Double
    public let high: Double
    public let ticks: [Double]
    public let tickLabels: [String]

    init(axis: Axis, values: [Double], targetTicks: Int) {
        scale = axis.scale
        let target = max(2, targetTicks)
        switch axis.scale {
        case .linear:
            let finite = values.filter { $0.isFinite }
            var lo = axis.range?.lowerBound ?? finite.min() ?? 0
            var hi = axis.range?.upperBound ?? finite.max() ?? 1
            if lo == hi { let d = lo == 0 ? 1 : abs(lo) * 0.1; lo -= d; hi += d }
            let step = Ticks.niceStep((hi - lo) / Double(target))
            if axis.range == nil {
                lo = (lo / step).rounded(.down) * step
                hi = (hi / step).rounded(.up) * step
            }
            low = lo; high = hi
            ticks = Ticks.linear(low: lo, high: hi, step: step)
            tickLabels = ticks.map { NumberFormat.tick($0, step: step) }
        case .log:
            let pos = values.filter { $0.isFinite && $0 > 0 }
            let lo = axis.range.map { max($0.lowerBound, Double.leastNormalMagnitude) } ?? pos.min() ?? 1
            let hi = axis.range?.upperBound ?? pos.max() ?? 10
            var kLo = Int(log10(lo).rounded(.down)), kHi = Int(log10(max(hi, lo)).rounded(.up))
            if kHi <= kLo { kHi = kLo + 1 }
            if axis.range != nil { kLo = Int(log10(lo).rounded(.down)) }
            low = pow(10, Double(kLo)); high = pow(10, Double(kHi))
            ticks = Ticks.decades(low: low, high: high, maxTicks: target + 1)
            tickLabels = ticks.map { Ticks.decadeLabel($0) }
        }
    }

    /// Position of `v` in 0...1 along the axis, or nil when it cannot be shown (NaN, or ≤ 0 on
    /// a log axis). Values outside the range map outside 0...1.
    public func unit(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear:
            return high > low ? (v - low) / (high - low) : 0.5
        case .log:
            guard v > 0 else { return nil }
            return (log10(v) - log10(low)) / (log10(high) - log10(low))
        }
    }
}

/// Tick placement helpers.
public enum Ticks {
    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let e = pow(10, log10(raw).rounded(.down))
        for m in [1.0, 2.0, 5.0, 10.0] where m * e >= raw * (1 - 1e-9) { return m * e }
        return 10 * e
    }

    /// Multiples of `step` in low...high.
    public static func linear(low: Double, high: Double, step: Double) -> [Double] {
        guard step > 0, high >= low else { return [] }
        var out: [Double] = []
        var k = (low / step - 1e-9).rounded(.up)
        while k * step <= high + step * 1e-9 && out.count < 1000 {
            let v = k * step
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return out
    }

    /// Decades 10^k in low...high, thinned to every m-th decade when there are too many.
    public static func decades(low: Double, high: Double, maxTicks: Int) -> [Double] {
        guard low > 0, high >= low else { return [] }
        let k0 = Int((log10(low) - 1e-9).rounded(.up))
        let k1 = Int((log10(high) + 1e-9).rounded(.down))
        guard k1 >= k0 else { return [] }
        let n = k1 - k0 + 1
        let every = max(1, (n + max(1, maxTicks) - 1) / max(1, maxTicks))
        return stride(from: k0, through: k1, by: every).map { pow(10, Double($0)) }
    }

    /// "1e-3", "0.01", "0.1", "1", "10", "100", "1e3" … short labels for decades.
    public static func decadeLabel(_ v: Double) -> String {
        let k = Int(log10(v).rounded())
        switch k {
        case -2...2: return NumberFormat.compact(pow(10, Double(k)))
        default: return "1e\(k)"
        }
    }
}
