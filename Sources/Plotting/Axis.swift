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
