import Foundation

/// An axis of an exported figure, with matplotlib-like limits and ticks: limits fitted to
/// the data with 5 % margins (or the caller's fixed range), linear ticks at 1/2/2.5/5 × 10^k,
/// log ticks at decades labelled 10, 100, 1000 (10ⁿ beyond 10⁵) with unlabelled minor ticks
/// at 2…9 × 10^k, and labelled 2×/5× ticks when the data span less than a decade.
///
/// (The terminal plots keep `ResolvedAxis`; this one is for the Cairo exports only.)
public struct FigureAxis: Sendable, Equatable {
    public let scale: AxisScale
    public let low: Double
    public let high: Double
    /// Labelled ticks.
    public let ticks: [Double]
    public let labels: [String]
    /// Unlabelled minor ticks (log axes).
    public let minorTicks: [Double]
    /// A common factor taken out of the linear tick labels ("×10⁶"), or nil.
    public let offsetText: String?

    /// - Parameters: `values` the data (non-finite values and, on log axes, values ≤ 0 are
    ///   ignored); `maxTicks` roughly how many labelled ticks fit.
    public init(_ axis: Axis, values: [Double], maxTicks: Int) {
        scale = axis.scale
        let n = max(2, min(12, maxTicks))
        switch axis.scale {
        case .linear:
            let finite = values.filter { $0.isFinite }
            var lo: Double, hi: Double
            if let r = axis.range, r.lowerBound.isFinite, r.upperBound.isFinite {
                lo = r.lowerBound; hi = r.upperBound
            } else {
                lo = finite.min() ?? 0; hi = finite.max() ?? 1
                let pad = (hi - lo) * 0.05
                lo -= pad; hi += pad
            }
            // Absurd data (±1e308) would overflow the margins and the tick arithmetic: the
            // axis spans at most ±1e300 (values beyond are drawn at the edge).
            lo = min(max(lo, -1e300), 1e300); hi = min(max(hi, -1e300), 1e300)
            if !(hi > lo) { let d = lo == 0 ? 0.5 : abs(lo) * 0.1; lo -= d; hi += d }
            low = lo; high = hi
            let step = FigureAxis.linearStep(lo, hi, bins: n)
            let t = Ticks.linear(low: lo, high: hi, step: step)
            ticks = t
            minorTicks = []
            (labels, offsetText) = FigureAxis.linearLabels(t, step: step)
        case .log:
            let pos = values.filter { $0.isFinite && $0 > 0 }
            var lo: Double, hi: Double
            if let r = axis.range, r.upperBound > 0, r.upperBound.isFinite {
                lo = max(r.lowerBound, r.upperBound * 1e-12, Double.leastNormalMagnitude); hi = r.upperBound
            } else {
                lo = pos.min() ?? 1; hi = pos.max() ?? 10
                let (a, b) = (log10(lo), log10(hi))
                let pad = max(b - a, 0) * 0.05
                lo = pow(10, a - pad); hi = pow(10, b + pad)
            }
            // Keep the decades finite (log10 of the limits becomes an Int below).
            lo = min(max(lo, 1e-300), 1e300); hi = min(max(hi, 1e-300), 1e300)
            if !(hi > lo) { lo /= 2; hi *= 2 }
            low = lo; high = hi
            let k0 = Int((log10(lo) - 1e-9).rounded(.up)), k1 = Int((log10(hi) + 1e-9).rounded(.down))
            var majors: [Double] = k1 >= k0 ? (k0...k1).map { pow(10, Double($0)) } : []
            if majors.count > n {
                let every = (majors.count + n - 1) / n
                majors = stride(from: 0, to: majors.count, by: every).map { majors[$0] }
            }
            var minors: [Double] = []
            let kLo = Int(log10(lo).rounded(.down)), kHi = Int(log10(hi).rounded(.up))
            if kHi - kLo <= 24 {
                for k in kLo...kHi { for m in 2...9 {
                    let v = Double(m) * pow(10, Double(k))
                    if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) { minors.append(v) }
                } }
            }
            if majors.count < 2 {
                // Less than a decade of data: label 2× and 5× (or every) minor tick as well.
                for ms in [[2, 5], [2, 3, 4, 5, 6, 7, 8, 9]] {
                    let extra = minors.filter { v in
                        let m = Int((v / pow(10, log10(v).rounded(.down))).rounded())
                        return ms.contains(m)
                    }
                    let all = (majors + extra).sorted()
                    if all.count >= 2 || ms.count > 2 {
                        majors = all
                        break
                    }
                }
            }
            if axis.range == nil, let dLo = pos.min(), let dHi = pos.max() {
                majors = FigureAxis.labelDataEnds(majors, dataLow: dLo, dataHigh: dHi, axisLow: lo, axisHigh: hi)
            }
            ticks = majors
            minorTicks = minors.filter { m in !majors.contains { abs($0 - m) <= 1e-9 * m } }
            labels = majors.map(FigureAxis.logTickLabel)
            offsetText = nil
        }
    }

    /// Position of `v` in 0…1 along the axis (outside for values beyond the limits); nil
    /// for values that cannot be shown (NaN, ≤ 0 on a log axis).
    public func unit(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return (v - low) / (high - low)
        case .log:
            guard v > 0 else { return nil }
            return (log10(v) - log10(low)) / (log10(high) - log10(low))
        }
    }

    /// matplotlib's MaxNLocator steps: the smallest of 1, 2, 2.5, 5, 10 × 10^k giving at most
    /// `bins` intervals over lo…hi.
    static func linearStep(_ lo: Double, _ hi: Double, bins: Int) -> Double {
        let raw = (hi - lo) / Double(max(1, bins))
        guard raw.isFinite, raw > 0 else { return 1 }
        var e = pow(10, log10(raw).rounded(.down))
        for _ in 0..<3 {
            for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
                let s = m * e
                let count = (hi / s + 1e-9).rounded(.down) - (lo / s - 1e-9).rounded(.up)
                if count <= Double(bins) { return s }
            }
            e *= 10
        }
        return 10 * e
    }

    /// Labels with as many decimals as the step needs; a common power of ten is factored out
    /// (matplotlib's offset text) when ticks are ≥ 10⁶ or all below 10⁻⁴ in magnitude.
    static func linearLabels(_ ticks: [Double], step: Double) -> ([String], String?) {
        let mag = ticks.map(abs).max() ?? 0
        var factor = 1.0
        var offset: String? = nil
        if mag >= 1e6 || (mag > 0 && mag < 1e-4) {
            let e = Int(log10(mag).rounded(.down))
            factor = pow(10, Double(e))
            offset = "×10" + superscript(e)
        }
        let s = step / factor
        var decimals = 0
        while decimals < 8 && abs((s * pow(10, Double(decimals))).rounded() - s * pow(10, Double(decimals))) > 1e-6 { decimals += 1 }
        let labels = ticks.map { v -> String in
            let x = v / factor
            let str = String(format: "%.\(decimals)f", abs(x) < s * 1e-9 ? 0 : x)
            return str.hasPrefix("-") ? "−" + str.dropFirst() : str // typographic minus
        }
        return (labels, offset)
    }

    /// Log axes label both ends of the data (issue: a learning curve from 25 to 250 had its
    /// first labelled tick at 50, so its smallest size was read off minor ticks). An end is
    /// labelled already when a labelled tick lies within 0.04 decade of it (≈ 10 %), or a
    /// power of ten within 0.1 decade (10 for data from 8). Otherwise the data end, rounded to
    /// 3 significant digits, becomes a labelled tick, and 2×/5× labels within 0.15 decade of it
    /// step back to minor ticks so labels do not crowd (powers of ten always stay). Only for
    /// data spanning at most 3 decades: wider axes have enough decade labels to read the ends.
    static func labelDataEnds(_ majors: [Double], dataLow: Double, dataHigh: Double, axisLow: Double, axisHigh: Double) -> [Double] {
        guard dataLow > 0, dataHigh >= dataLow, dataHigh.isFinite, log10(dataHigh / dataLow) <= 3 else { return majors }
        var out = majors
        let decade = { (v: Double) -> Bool in abs(log10(v) - log10(v).rounded()) < 1e-9 }
        let dist = { (a: Double, b: Double) -> Double in abs(log10(a / b)) }
        for end in dataLow == dataHigh ? [dataLow] : [dataLow, dataHigh] {
            let covered = out.contains { dist($0, end) <= 0.04 || (decade($0) && dist($0, end) <= 0.1) }
            guard !covered, let r = Double(endLabel(end)), r >= axisLow, r <= axisHigh else { continue }
            out.removeAll { !decade($0) && dist($0, r) < 0.15 }
            out.append(r)
        }
        return out.sorted()
    }

    /// A log tick's label: m × 10ᵏ ticks (m = 1…9) as `logLabel`, data ends as `endLabel`.
    static func logTickLabel(_ v: Double) -> String {
        let m = v / pow(10, log10(v).rounded(.down))
        return abs(m - m.rounded()) < 1e-9 ? logLabel(v) : endLabel(v)
    }

    /// 3 significant digits ("25", "0.15", "128", "1234"), trailing zeros dropped; a mantissa
    /// and 10ⁿ outside 10⁻⁴…10⁶.
    static func endLabel(_ v: Double) -> String {
        guard v.isFinite, v > 0 else { return NumberFormat.compact(v) }
        let k = Int(log10(v).rounded(.down))
        func trimmed(_ s: String) -> String {
            guard s.contains(".") else { return s }
            var t = s
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t
        }
        if k >= -4 && k < 6 { return trimmed(String(format: "%.\(max(0, 2 - k))f", v)) }
        return trimmed(String(format: "%.2f", v / pow(10, Double(k)))) + "×10" + superscript(k)
    }

    /// 0.001 … 100000 written out, 10ⁿ beyond; 2×/5× ticks as plain numbers.
    static func logLabel(_ v: Double) -> String {
        let k = Int(log10(v).rounded(.down))
        let m = (v / pow(10, Double(k))).rounded()
        if k >= -4 && k <= 5 {
            if k >= 0 { return String(format: "%.0f", m * pow(10, Double(k))) }
            return String(format: "%.\(-k)f", m * pow(10, Double(k)))
        }
        return m == 1 ? "10" + superscript(k) : String(format: "%.0f×10", m) + superscript(k)
    }

    static func superscript(_ k: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (k < 0 ? "⁻" : "") + String(String(abs(k)).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }
}
