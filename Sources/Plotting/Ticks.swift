import Foundation

/// Tick placement helpers.
public enum Ticks {
    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let e = pow(10, log10(raw).rounded(.down))
        // Near Double.greatestFiniteMagnitude m·e overflows to ∞; keep the step finite.
        for m in [1.0, 2.0, 5.0, 10.0] where m * e >= raw * (1 - 1e-9) { return (m * e).isFinite ? m * e : raw }
        return (10 * e).isFinite ? 10 * e : raw
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
        guard low > 0, high >= low, low.isFinite else { return [] }
        // Clamp to the finite range first: Int(log10(∞)) would trap (e.g. times=1e308 padded).
        let hi = min(high, Double.greatestFiniteMagnitude)
        let k0 = Int((log10(low) - 1e-9).rounded(.up))
        let k1 = Int((log10(hi) + 1e-9).rounded(.down))
        guard k1 >= k0 else { return [] }
        let n = k1 - k0 + 1
        let every = max(1, (n + max(1, maxTicks) - 1) / max(1, maxTicks))
        return stride(from: k0, through: k1, by: every).map { pow(10, Double($0)) }
    }

    /// "1e-3", "0.01", "0.1", "1", "10", "100", "1e3" … short labels for decades.
    public static func decadeLabel(_ v: Double) -> String {
        guard v.isFinite, v > 0 else { return v > 0 ? "∞" : "0" }
        let k = Int(log10(v).rounded())
        switch k {
        case -2...2: return NumberFormat.compact(pow(10, Double(k)))
        default: return "1e\(k)"
        }
    }
}
