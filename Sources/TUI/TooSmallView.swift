import Plotting

/// Shown instead of a screen when the terminal is below the size the screen needs, rather
/// than drawing a garbled layout.
public struct TooSmallView: Widget {
    public var minWidth: Int
    public var minHeight: Int
    public var theme: Theme

    public init(minWidth: Int, minHeight: Int, theme: Theme = Theme()) {
        self.minWidth = minWidth; self.minHeight = minHeight; self.theme = theme
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        let x = theme.unicode ? "×" : "x"
        let lines = [
            "Terminal too small",
            "\(area.width)\(x)\(area.height), need \(minWidth)\(x)\(minHeight)",
            "Resize it, or press q to quit",
        ]
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            let s = clipText(l, area.width, theme: theme)
            buf.put(s, x: area.x + max(0, (area.width - s.count) / 2), y: top + i,
                    style: i == 0 ? CellStyle(fg: theme.error, bold: true) : .plain, clip: area)
        }
    }

    /// A full frame: `content` if the size is sufficient, otherwise the too-small message.
    public static func frame(width: Int, height: Int, minWidth: Int, minHeight: Int, theme: Theme = Theme(),
                             content: (inout CellBuffer) -> Void) -> CellBuffer {
        var buf = CellBuffer(width: width, height: height)
        if width < minWidth || height < minHeight {
            TooSmallView(minWidth: minWidth, minHeight: minHeight, theme: theme).render(into: &buf, area: buf.area)
        } else {
            content(&buf)
        }
        return buf
    }
}
