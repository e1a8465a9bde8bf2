import Foundation
import Plotting
import TUI

/// The current view: its figures side by side and notes underneath.
enum ViewsPane {
    static func render(_ s: AppState, into buf: inout CellBuffer, area: Rect, options: RenderOptions, theme: Theme, cache: ViewRenderCache? = nil) {
        let focused = s.focus == .views
        let kinds = ViewKind.allCases.enumerated().map { "\($0.offset + 1) \($0.element == s.view.kind ? "[\($0.element.short)]" : $0.element.short)" }
        buf.render(Panel(title: "View \(s.view.kernel.symbol): " + kinds.joined(separator: " "), focused: focused, theme: theme), in: area)
        let inner = Panel.inner(area)
        guard !inner.isEmpty else { return }
        guard let cache, let key = ViewRenderCache.key(s, width: inner.width, height: inner.height, options: options) else {
            render(ViewBuilder.content(s), into: &buf, area: inner, options: options, theme: theme); return
        }
        let (w, h) = (inner.width, inner.height)
        let view = cache.buffer(key: key) {
            var b = CellBuffer(width: w, height: h)
            render(ViewBuilder.content(s), into: &b, area: b.area, options: options, theme: theme)
            return b
        }
        if let view = view ?? cache.previous(of: key) { buf.blit(view, x: inner.x, y: inner.y) } else {
            _ = buf.put("preparing the view…", x: inner.x, y: inner.y, style: CellStyle(fg: theme.muted), clip: inner)
        }
    }

    /// Lays out a view's content: figures in equal columns, notes at the bottom.
    static func render(_ c: ViewContent, into buf: inout CellBuffer, area: Rect, options: RenderOptions, theme: Theme) {
        let noteRows = min(c.notes.count, c.figures.isEmpty ? area.height : max(0, min(4, area.height / 4)))
        let (figArea, noteArea) = area.splitBottom(noteRows)
        if !c.figures.isEmpty {
            let n = c.figures.count
            let w = figArea.width / n
            for (k, f) in c.figures.enumerated() {
                let r = Rect(x: figArea.x + k * w, y: figArea.y, width: k == n - 1 ? figArea.width - k * w : w - 1, height: figArea.height)
                f.figure.render(into: &buf, area: r, options: options)
            }
        }
        for (k, note) in c.notes.prefix(noteRows).enumerated() {
            let err = c.isError || note.hasPrefix("✗")
            _ = buf.put(note, x: noteArea.x, y: noteArea.y + k, style: err ? CellStyle(fg: theme.error) : CellStyle(fg: theme.muted), clip: noteArea)
        }
    }
}
