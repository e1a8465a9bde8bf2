import CellSurface

/// A progress bar with percentage, elapsed time and an ETA extrapolated from the rate so far.
public struct ProgressBar: Widget {
    public var label: String
    /// 0…1 (clamped); NaN shows an indeterminate bar.
    public var fraction: Double
    public var elapsed: Double
    public var theme: Theme
    /// An ETA the caller knows better (e.g. a resumed job: its own rate, not elapsed/fraction,
    /// which counts the work done before it started); nil: extrapolated.
    public var knownETA: Double?

    public init(label: String = "", fraction: Double, elapsed: Double, theme: Theme = Theme(), knownETA: Double? = nil) {
        self.label = label; self.fraction = fraction; self.elapsed = elapsed; self.theme = theme; self.knownETA = knownETA
    }

    /// Remaining seconds assuming a constant rate; nil when it cannot be estimated yet.
    public var eta: Double? {
        if let e = knownETA, e.isFinite, e >= 0 { return e }
        guard fraction.isFinite, fraction > 0, elapsed.isFinite, elapsed >= 0 else { return nil }
        if fraction >= 1 { return 0 }
        return elapsed * (1 - fraction) / fraction
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        guard !area.isEmpty else { return }
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let pct = fraction.isFinite ? "\(Int((f * 100).rounded(.down)))%" : "--%"
        let etaText = eta.map { NumberFormat.duration($0) } ?? "--:--"
        let info = " \(pct) \(NumberFormat.duration(elapsed)) ETA \(etaText)"
        var x = area.x
        if !label.isEmpty { x = buf.put(label + " ", x: x, y: area.y, style: .bold, clip: area) }
        let barW = area.maxX - x - info.count - 2
        if barW >= 3 {
            buf.put(theme.unicode ? "▕" : "[", x: x, y: area.y, style: CellStyle(fg: theme.muted))
            // Eighth blocks give 8 sub-steps per cell in Unicode mode.
            let eighths = Int((f * Double(barW * 8)).rounded(.down))
            for i in 0..<barW {
                let filled = min(8, max(0, eighths - i * 8))
                let ch: Character
                if theme.unicode { ch = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"][filled] }
                else { ch = filled == 8 ? "#" : (filled > 0 ? "=" : " ") }
                buf.put(String(ch), x: x + 1 + i, y: area.y, style: CellStyle(fg: theme.accent))
            }
            buf.put(theme.unicode ? "▏" : "]", x: x + 1 + barW, y: area.y, style: CellStyle(fg: theme.muted))
            x += barW + 2
        }
        buf.put(info, x: x, y: area.y, clip: area)
    }
}
