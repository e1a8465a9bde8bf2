import CellSurface

/// A row of tab titles with the selected one highlighted; clicking or Tab/BackTab switches.
public struct TabsBar: Widget {
    public var titles: [String]
    public var selected: Int
    public var theme: Theme

    public init(titles: [String], selected: Int, theme: Theme = Theme()) {
        self.titles = titles; self.selected = selected; self.theme = theme
    }

    /// Column ranges of each title for hit-testing mouse clicks (relative to area.x).
    public func hitRanges() -> [Range<Int>] {
        var x = 0
        var out: [Range<Int>] = []
        for t in titles {
            let w = t.count + 2
            out.append(x..<(x + w)); x += w + 1
        }
        return out
    }

    /// The tab under column `x` (relative to the bar's left edge), if any.
    public func tab(atColumn x: Int) -> Int? { hitRanges().firstIndex { $0.contains(x) } }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        guard !area.isEmpty else { return }
        let sep = theme.unicode ? "│" : "|"
        for (i, r) in hitRanges().enumerated() {
            let style = i == selected ? CellStyle(fg: theme.accent, bold: true, reverse: true) : CellStyle(fg: theme.muted)
            buf.put(" " + titles[i] + " ", x: area.x + r.lowerBound, y: area.y, style: style, clip: area)
            if i < titles.count - 1 { buf.put(sep, x: area.x + r.upperBound, y: area.y, style: CellStyle(dim: true), clip: area) }
        }
    }

    /// Next/previous tab index for Tab/BackTab, wrapping around.
    public static func cycle(_ selected: Int, count: Int, by delta: Int) -> Int {
        guard count > 0 else { return 0 }
        return ((selected + delta) % count + count) % count
    }
}
