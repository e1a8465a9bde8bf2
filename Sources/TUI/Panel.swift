import CellSurface

/// A bordered box with an optional title: the frame of every pane and dialog.
public struct Panel: Widget {
    public var title: String
    public var focused: Bool
    public var theme: Theme

    public init(title: String = "", focused: Bool = false, theme: Theme = Theme()) {
        self.title = title; self.focused = focused; self.theme = theme
    }

    /// The area inside the border.
    public static func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    public func render(into buf: inout CellBuffer, area: Rect) {
        guard area.width >= 2, area.height >= 2 else { return }
        let b = theme.box
        var style = theme.border
        if focused { style.fg = theme.accent; style.bold = true }
        buf.fill(area)
        for x in area.x + 1..<area.maxX - 1 {
            buf.put(String(b.h), x: x, y: area.y, style: style)
            buf.put(String(b.h), x: x, y: area.maxY - 1, style: style)
        }
        for y in area.y + 1..<area.maxY - 1 {
            buf.put(String(b.v), x: area.x, y: y, style: style)
            buf.put(String(b.v), x: area.maxX - 1, y: y, style: style)
        }
        buf.put(String(b.tl), x: area.x, y: area.y, style: style)
        buf.put(String(b.tr), x: area.maxX - 1, y: area.y, style: style)
        buf.put(String(b.bl), x: area.x, y: area.maxY - 1, style: style)
        buf.put(String(b.br), x: area.maxX - 1, y: area.maxY - 1, style: style)
        if !title.isEmpty && area.width > 4 {
            let t = " " + clipText(title, area.width - 4, theme: theme) + " "
            buf.put(t, x: area.x + 1, y: area.y, style: CellStyle(fg: style.fg, bold: true))
        }
    }
}
