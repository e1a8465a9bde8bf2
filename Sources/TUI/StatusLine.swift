import CellSurface

/// The bottom line: a message on the left, key hints (`q quit  ? help`) on the right.
public struct StatusLine: Widget {
    public var message: String
    public var hints: [(key: String, action: String)]
    public var isError: Bool
    public var theme: Theme

    public init(message: String = "", hints: [(key: String, action: String)] = [], isError: Bool = false, theme: Theme = Theme()) {
        self.message = message; self.hints = hints; self.isError = isError; self.theme = theme
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        let bg = CellStyle(reverse: true)
        buf.fill(area, with: Cell(" ", reverse: true))
        guard !area.isEmpty else { return }
        // Hints are dropped from the left until they fit next to at least a short message.
        var shown = hints
        func hintWidth(_ h: [(key: String, action: String)]) -> Int { h.reduce(0) { $0 + $1.key.count + $1.action.count + 3 } }
        while !shown.isEmpty && hintWidth(shown) > area.width - min(message.count, 10) - 1 { shown.removeFirst() }
        var x = area.maxX - hintWidth(shown)
        for h in shown {
            x = buf.put(" " + h.key, x: x, y: area.y, style: CellStyle(bold: true, reverse: true), clip: area)
            x = buf.put(" " + h.action + " ", x: x, y: area.y, style: bg, clip: area)
        }
        let msgW = area.width - hintWidth(shown) - 1
        var ms = bg
        if isError { ms.fg = theme.error; ms.bold = true }
        buf.put(" " + clipText(message, max(0, msgW - 1), theme: theme), x: area.x, y: area.y, style: ms, clip: Rect(x: area.x, y: area.y, width: max(0, msgW), height: 1))
    }
}
