import CellSurface

/// Scroll state of the help box.
public struct HelpState: Hashable, Sendable {
    public var offset: Int
    public init(offset: Int = 0) { self.offset = offset }

    /// Result of a key in the help box.
    public enum Action: Equatable, Sendable { case none, close }

    /// ↑/↓/PgUp/PgDn/Home/End scroll; Esc, `q`, `?` and Enter close.
    public mutating func handle(_ event: InputEvent, rowCount: Int, visibleRows: Int) -> Action {
        let maxOff = max(0, rowCount - max(1, visibleRows))
        switch event {
        case .key(.escape), .key(.char("q")), .key(.char("?")), .key(.enter), .key(.ctrl("c")): return .close
        case .key(.up), .key(.char("k")): offset -= 1
        case .key(.down), .key(.char("j")): offset += 1
        case .key(.pageUp): offset -= max(1, visibleRows - 1)
        case .key(.pageDown): offset += max(1, visibleRows - 1)
        case .key(.home): offset = 0
        case .key(.end): offset = maxOff
        case let .mouse(m) where m.button == .scrollUp: offset -= 1
        case let .mouse(m) where m.button == .scrollDown: offset += 1
        default: break
        }
        offset = min(max(0, offset), maxOff)
        return .none
    }
}

/// A centred modal box listing key bindings (`key  description`), scrollable when long.
public struct HelpModal: Widget {
    public var title: String
    public var rows: [(key: String, description: String)]
    public var state: HelpState
    public var theme: Theme

    public init(title: String = "Help", rows: [(key: String, description: String)], state: HelpState = HelpState(), theme: Theme = Theme()) {
        self.title = title; self.rows = rows; self.state = state; self.theme = theme
    }

    /// The box rect inside `area` (also what key handling should use for `visibleRows`).
    public func boxRect(in area: Rect) -> Rect {
        let keyW = rows.map(\.key.count).max() ?? 0
        let descW = rows.map(\.description.count).max() ?? 0
        return area.centered(width: max(title.count + 6, keyW + descW + 7), height: rows.count + 3)
    }

    /// Rows visible at once in `area`.
    public func visibleRows(in area: Rect) -> Int { max(1, boxRect(in: area).height - 3) }

    public func render(into buf: inout CellBuffer, area: Rect) {
        let box = boxRect(in: area)
        guard box.width >= 6, box.height >= 4 else { return }
        Panel(title: title, focused: true, theme: theme).render(into: &buf, area: box)
        let inner = Panel.inner(box)
        let body = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
        let keyW = min(rows.map(\.key.count).max() ?? 0, max(1, body.width / 2))
        let maxOff = max(0, rows.count - body.height)
        let off = min(max(0, state.offset), maxOff)
        for r in 0..<body.height where off + r < rows.count {
            let row = rows[off + r]
            let y = body.y + r
            buf.put(" " + clipText(row.key, keyW, theme: theme), x: body.x, y: y, style: CellStyle(fg: theme.accent, bold: true), clip: body)
            buf.put(clipText(row.description, body.width - keyW - 3, theme: theme), x: body.x + keyW + 3, y: y, clip: body)
        }
        let up = theme.unicode ? "↑" : "^", down = theme.unicode ? "↓" : "v"
        var footer = "Esc close"
        if maxOff > 0 { footer = "\(off > 0 ? up : " ")\(off < maxOff ? down : " ") \(off + 1)-\(min(rows.count, off + body.height))/\(rows.count)  " + footer }
        buf.put(clipText(footer, inner.width, theme: theme), x: inner.maxX - min(inner.width, footer.count), y: inner.maxY - 1,
                style: CellStyle(fg: theme.muted), clip: inner)
    }
}
