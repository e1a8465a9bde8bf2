import Foundation

/// Compact number labels for ticks and colorbars (at most ~8 characters).
public enum NumberFormat {
    /// `significant` significant digits, switching to exponent form for very large/small
    /// magnitudes; trailing zeros removed. E.g. 0.5 → "0.5", 1234 → "1234", 1.2e-5 → "1.2e-05".
    public static func compact(_ v: Double, significant: Int = 3) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            return String(format: "%.\(max(0, significant - 1))e", v)
                .replacingOccurrences(of: ".00e", with: "e")
                .replacingOccurrences(of: "0e", with: "e")
                .replacingOccurrences(of: ".e", with: "e")
        }
        // Never drop integer digits (1234 stays "1234", not "1.23e+03").
        let digits = max(significant, Int(log10(a).rounded(.down)) + 1)
        var s = String(format: "%.\(digits)g", v)
        if s.contains(".") && !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// Label for a tick at `v` when ticks are `step` apart: enough decimals to tell
    /// neighbouring ticks apart, no more.
    public static func tick(_ v: Double, step: Double) -> String {
        if v == 0 || abs(v) < step * 1e-9 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return compact(v, significant: 2) }
        let decimals = step > 0 && step.isFinite ? max(0, Int((-log10(step)).rounded(.up))) : 2
        return String(format: "%.\(min(decimals, 6))f", v)
    }

    /// Duration as `m:ss` or `h:mm:ss` (progress bars).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
