import CellSurface

/// Selection and scroll position of a list; pure value updated by key handling.
public struct ListState: Hashable, Sendable {
    public var selected: Int
    /// Index of the first visible row.
    public var offset: Int

    public init(selected: Int = 0, offset: Int = 0) { self.selected = selected; self.offset = offset }

    /// Moves the selection to `index` (clamped) and scrolls so it is visible in `visibleRows`.
    public mutating func select(_ index: Int, count: Int, visibleRows: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        selected = min(max(0, index), count - 1)
        let rows = max(1, visibleRows)
        if selected < offset { offset = selected }
        if selected >= offset + rows { offset = selected - rows + 1 }
        offset = min(max(0, offset), max(0, count - rows))
    }

    /// Selects the row under a left click at screen row `y` inside the list's `area`;
    /// returns whether the click hit an item.
    @discardableResult
    public mutating func click(_ event: InputEvent, area: Rect, count: Int) -> Bool {
        guard case let .mouse(m) = event, m.button == .left, area.contains(x: m.x, y: m.y) else { return false }
        let i = offset + (m.y - area.y)
        guard i < count else { return false }
        select(i, count: count, visibleRows: area.height)
        return true
    }

    /// Handles navigation keys and wheel; returns whether the event was used.
    @discardableResult
    public mutating func handle(_ event: InputEvent, count: Int, visibleRows: Int) -> Bool {
        let page = max(1, visibleRows - 1)
        if case let .mouse(m) = event {
            switch m.button {
            case .scrollUp: select(selected - 1, count: count, visibleRows: visibleRows); return true
            case .scrollDown: select(selected + 1, count: count, visibleRows: visibleRows); return true
            default: return false
            }
        }
        switch event {
        case .key(.up), .key(.char("k")):
            select(selected - 1, count: count, visibleRows: visibleRows)
        case .key(.down), .key(.char("j")):
            select(selected + 1, count: count, visibleRows: visibleRows)
        case .key(.pageUp): select(selected - page, count: count, visibleRows: visibleRows)
        case .key(.pageDown): select(selected + page, count: count, visibleRows: visibleRows)
        case .key(.home): select(0, count: count, visibleRows: visibleRows)
        case .key(.end): select(count - 1, count: count, visibleRows: visibleRows)
        default: return false
        }
        return true
    }
}

/// A scrolling list with a highlighted selection and a scroll indicator.
public struct ListView: Widget {
    public var items: [String]
    public var state: ListState
    public var theme: Theme

    public init(items: [String], state: ListState, theme: Theme = Theme()) {
        self.items = items; self.state = state; self.theme = theme
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        guard !area.isEmpty else { return }
        if items.isEmpty {
            buf.put("(empty)", x: area.x, y: area.y, style: CellStyle(fg: theme.muted), clip: area)
            return
        }
        var st = state
        st.select(state.selected, count: items.count, visibleRows: area.height)
        let scrollable = items.count > area.height
        let textW = area.width - (scrollable ? 1 : 0)
        for row in 0..<area.height {
            let i = st.offset + row
            guard i < items.count else { break }
            let y = area.y + row
            let marker = i == st.selected ? (theme.unicode ? "▶ " : "> ") : "  "
            let line = clipText(marker + items[i], textW, theme: theme)
            let padded = line + String(repeating: " ", count: max(0, textW - line.count))
            buf.put(padded, x: area.x, y: y, style: i == st.selected ? theme.selection : .plain, clip: area)
        }
        if scrollable {
            // Scrollbar thumb proportional to the visible fraction.
            let h = area.height
            let thumb = max(1, h * h / items.count)
            let top = (h - thumb) * st.offset / max(1, items.count - h)
            for row in 0..<h {
                let on = row >= top && row < top + thumb
                buf.put(on ? (theme.unicode ? "█" : "#") : (theme.unicode ? "│" : "|"),
                        x: area.maxX - 1, y: area.y + row, style: CellStyle(fg: theme.muted))
            }
        }
    }
}
