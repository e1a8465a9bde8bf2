import Foundation
import NTKEngine
import CellSurface
import TUI

/// The whole frame as a pure function of the state: title + pane tabs, the Stack, Data and
/// Jobs panes on the left, the current view on the right, the status line, and any modal.
enum MainScreen {
    static let minWidth = 80, minHeight = 24

    /// `viewCache` (the interactive loop's) renders complete views in the background; without
    /// it the view is rendered inline, which tests and headless replay want.
    static func render(_ s: AppState, width: Int, height: Int, options: RenderOptions = .rich, viewCache: ViewRenderCache? = nil) -> CellBuffer {
        let theme = Theme(options: options)
        return TooSmallView.frame(width: width, height: height, minWidth: minWidth, minHeight: minHeight, theme: theme) { buf in
            draw(s, into: &buf, options: options, theme: theme, viewCache: viewCache)
        }
    }

    private static func draw(_ s: AppState, into buf: inout CellBuffer, options: RenderOptions, theme: Theme, viewCache: ViewRenderCache?) {
        let (top, rest) = buf.area.splitTop(1)
        let (body, bottom) = rest.splitBottom(1)
        let title = " entk workbench · \(s.sessionName) "
        _ = buf.put(title, x: 0, y: 0, style: CellStyle(fg: theme.accent, bold: true), clip: top)
        let tabsArea = Rect(x: min(top.maxX, title.count + 1), y: 0, width: max(0, top.width - title.count - 1), height: 1)
        buf.render(TabsBar(titles: Pane.allCases.map(\.title), selected: Pane.allCases.firstIndex(of: s.focus) ?? 0, theme: theme), in: tabsArea)

        let leftWidth = min(46, max(34, body.width * 2 / 5))
        let (left, right) = body.splitLeft(leftWidth)
        let stackHeight = max(8, (left.height - 10) * 3 / 5)
        let (stackArea, below) = left.splitTop(stackHeight)
        let (dataArea, jobsArea) = below.splitTop(min(below.height - 3, DataChoice.fieldNames.count + 3))
        StackPane.render(s, into: &buf, area: stackArea, theme: theme)
        DataPane.render(s, into: &buf, area: dataArea, theme: theme)
        JobsPane.render(s, into: &buf, area: jobsArea, theme: theme)
        ViewsPane.render(s, into: &buf, area: right, options: options, theme: theme, cache: viewCache)

        var msg = s.status
        if let r = s.replay {
            msg = "\(r.playing && !r.isFinished ? "▶" : "⏸") \(min(r.next, r.commands.count))/\(r.commands.count)  " + msg
        }
        let hints: [(key: String, action: String)] = s.replay != nil
            ? [("Space", "step"), ("p", "play/pause"), ("?", "help"), ("q", "quit")]
            : [("?", "help"), (":", "cmd"), ("g", "gram"), ("1-8", "views"), ("e", "export"), ("q", "quit")]
        buf.render(StatusLine(message: msg, hints: hints, isError: s.statusIsError, theme: theme), in: bottom)

        if let m = s.modal { ModalView.render(m, state: s, into: &buf, area: body, theme: theme) }
    }
}

/// The layer list of the selected stack, shapes after each layer, and the engine's verdict.
enum StackPane {
    static func render(_ s: AppState, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        let focused = s.focus == .stack
        let name = s.currentStack.map { "Stack \(s.selected + 1)/\(s.stacks.count): \($0.name)" } ?? "Stack (none)"
        buf.render(Panel(title: name + "  [ ] switch", focused: focused, theme: theme), in: area)
        let inner = Panel.inner(area)
        guard let st = s.currentStack else {
            _ = buf.put("no stack — n: new from preset", x: inner.x, y: inner.y, style: .dim, clip: inner); return
        }
        let (listArea, footer) = inner.splitBottom(2)
        let shapes = st.shapes
        let items = st.spec.layers.enumerated().map { i, l in
            let shape = shapes.map { i < $0.count ? " → \($0[i])" : "" } ?? ""
            return "\(i) \(layerSummary(l))\(shape)"
        }
        if items.isEmpty {
            _ = buf.put("empty — a: add a layer", x: listArea.x, y: listArea.y, style: .dim, clip: listArea)
        } else {
            var ls = ListState(selected: min(s.selectedLayer, items.count - 1))
            ls.select(ls.selected, count: items.count, visibleRows: max(1, listArea.height))
            buf.render(ListView(items: items, state: focused ? ls : ListState(selected: -1, offset: ls.offset), theme: theme), in: listArea)
        }
        if let e = st.validation {
            let text = "✗ \(e)"
            let lines = wrap(text, width: footer.width, maxLines: 2)
            for (k, l) in lines.enumerated() { _ = buf.put(l, x: footer.x, y: footer.y + k, style: CellStyle(fg: theme.error), clip: footer) }
        } else {
            _ = buf.put("✓ valid · \(st.spec.layers.count) layers · \(st.spec.inputShape.map(String.init).joined(separator: "×")) in",
                        x: footer.x, y: footer.y + 1, style: CellStyle(fg: theme.muted), clip: footer)
        }
    }

    /// `lift C4 3×3 circular W1.5 b0.05`: the layer description's summary.
    static func layerSummary(_ l: LayerSpec) -> String { l.summary }

    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], cur = ""
        for word in text.split(separator: " ") {
            if cur.isEmpty { cur = String(word) } else if cur.count + 1 + word.count <= width { cur += " " + word } else {
                lines.append(cur); cur = String(word)
            }
        }
        if !cur.isEmpty { lines.append(cur) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = String(lines[maxLines - 1].prefix(max(0, width - 1))) + "…"
        }
        return lines
    }
}

/// Dataset choice: one row per field; ←/→ cycle values, Enter edits.
enum DataPane {
    static func render(_ s: AppState, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        let focused = s.focus == .data
        buf.render(Panel(title: "Data", focused: focused, theme: theme), in: area)
        let inner = Panel.inner(area)
        let items = DataChoice.fieldNames.map { f in
            f.padding(toLength: 9, withPad: " ", startingAt: 0) + s.data.value(of: f)
        }
        let ls = ListState(selected: focused ? s.dataField : -1)
        buf.render(ListView(items: items, state: ls, theme: theme), in: Rect(x: inner.x, y: inner.y, width: inner.width, height: min(inner.height, items.count)))
        if inner.height > items.count {
            let note = s.data.isAvailable ? "shape \(s.data.inputShape.map(String.init).joined(separator: "×"))" : "not in the data cache — run make data"
            _ = buf.put(note, x: inner.x, y: inner.y + items.count, style: CellStyle(fg: s.data.isAvailable ? theme.muted : theme.error), clip: inner)
        }
    }
}

/// Running and finished jobs with progress bars, elapsed time and ETA.
enum JobsPane {
    static func render(_ s: AppState, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        let focused = s.focus == .jobs
        let running = s.runningJobs
        buf.render(Panel(title: "Jobs" + (running > 0 ? " (\(running) running, c cancels)" : ""), focused: focused, theme: theme), in: area)
        let inner = Panel.inner(area)
        guard !s.jobs.isEmpty else {
            _ = buf.put("no jobs yet — g computes a Gram", x: inner.x, y: inner.y, style: .dim, clip: inner); return
        }
        // Newest first; running jobs take two rows (title, progress bar).
        var y = inner.y
        for (k, j) in s.jobs.enumerated().reversed() {
            guard y < inner.maxY else { break }
            let sel = focused && k == s.selectedJob
            let mark: String
            switch j.status {
            case .running: mark = "…"
            case .done: mark = "✓"
            case .cancelled: mark = "⊘"
            case .failed: mark = "✗"
            }
            var line = "\(mark) #\(j.id) \(j.title)"
            switch j.status {
            case .done: line += String(format: "  %.2fs", j.elapsed) + (j.note.map { " (\($0))" } ?? "")
            case .running where j.note != nil: line += "  \(j.note ?? "")"
            case .failed(let m): line += "  \(m)"
            case .cancelled: line += "  cancelled"
            case .running: break
            }
            let style: CellStyle = sel ? theme.selection : (j.status == .done ? .plain : (j.isRunning ? .bold : CellStyle(fg: theme.error)))
            _ = buf.put(line, x: inner.x, y: y, style: style, clip: Rect(x: inner.x, y: y, width: inner.width, height: 1))
            y += 1
            if j.isRunning && j.tiles != nil && y < inner.maxY {
                _ = buf.put("  " + JobsPane.tileText(j), x: inner.x, y: y, clip: Rect(x: inner.x, y: y, width: inner.width, height: 1))
                y += 1
            }
            if j.isRunning && y < inner.maxY {
                buf.render(ProgressBar(label: "", fraction: j.fraction, elapsed: j.elapsed, theme: theme, knownETA: j.tiles != nil ? j.eta : nil),
                           in: Rect(x: inner.x + 2, y: y, width: inner.width - 2, height: 1))
                y += 1
            }
        }
    }
}

extension JobsPane {
    /// `tiles 7/21 · 13.0 pairs/s` under a running Gram computed in the tile store (its ETA is on
    /// the progress bar below; the job line itself says "resumed k/m tiles" when it resumed).
    static func tileText(_ j: JobSnapshot) -> String {
        guard let t = j.tiles else { return j.note ?? "" }
        var parts = ["tiles \(t.done)/\(t.total)"]
        if t.pairsPerSecond > 0 { parts.append(String(format: "%.1f pairs/s", t.pairsPerSecond)) }
        return parts.joined(separator: " · ")
    }
}

/// Help, palette, pickers, the parameter editor and the quit question, drawn over the body.
enum ModalView {
    static func render(_ m: Modal, state s: AppState, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        switch m {
        case .help(let h):
            buf.render(HelpModal(title: "entk workbench — keys and commands (Esc closes)", rows: CommandRegistry.helpRows, state: h, theme: theme), in: area)
        case .palette(let p):
            buf.render(CommandPalette(commands: CommandRegistry.paletteCommands, state: p, theme: theme), in: area)
        case .confirmQuit:
            let box = area.centered(width: min(area.width, 56), height: 5)
            buf.fill(box)
            buf.render(Panel(title: "Quit?", focused: true, theme: theme), in: box)
            let inner = Panel.inner(box)
            _ = buf.put("\(s.runningJobs) job(s) still running.", x: inner.x + 1, y: inner.y, clip: inner)
            _ = buf.put("y: cancel them and quit · any other key: stay", x: inner.x + 1, y: inner.y + 1, style: .bold, clip: inner)
        case .confirmCompute(let p):
            let shown = p.lines.prefix(max(1, area.height - 6))
            let box = area.centered(width: min(area.width, 72), height: min(area.height, shown.count + 5))
            buf.fill(box)
            buf.render(Panel(title: "Compute?", focused: true, theme: theme), in: box)
            let inner = Panel.inner(box)
            _ = buf.put("This session's view needs (not in the Gram cache):", x: inner.x + 1, y: inner.y, clip: inner)
            for (k, l) in shown.enumerated() {
                _ = buf.put("• " + l, x: inner.x + 1, y: inner.y + 1 + k, clip: inner)
            }
            let more = p.lines.count - shown.count
            _ = buf.put((more > 0 ? "(+\(more) more) " : "") + "y/Enter: compute now · n/other key: not now (r computes later)",
                        x: inner.x + 1, y: inner.y + 2 + shown.count, style: .bold, clip: inner)
        case .picker(let pk):
            let box = area.centered(width: min(area.width, 40), height: min(area.height, pk.items.count + 2))
            buf.fill(box)
            buf.render(Panel(title: pk.title + " (Enter/Esc)", focused: true, theme: theme), in: box)
            buf.render(ListView(items: pk.items, state: pk.list, theme: theme), in: Panel.inner(box))
        case .edit(let form):
            let title: String
            switch form.target {
            case .layer(let l): title = "Layer \(l): \(s.currentStack.map { $0.spec.layers.indices.contains(l) ? $0.spec.layers[l].typeName : "?" } ?? "?")"
            case .data: title = "Data"
            }
            let h = form.fields.count + 5
            let box = area.centered(width: min(area.width, 60), height: min(area.height, h))
            buf.fill(box)
            buf.render(Panel(title: title + " — Enter edit/apply, Esc back", focused: true, theme: theme), in: box)
            let inner = Panel.inner(box)
            var y = inner.y
            let labelWidth = max(10, form.fields.map(\.count).max() ?? 10)
            for (k, f) in form.fields.enumerated() where y < inner.maxY {
                if k == form.selected, let ed = form.editing {
                    let field = FormField(label: f.padding(toLength: labelWidth, withPad: " ", startingAt: 0), state: ed, focused: true, error: form.error, theme: theme)
                    buf.render(field, in: Rect(x: inner.x, y: y, width: inner.width, height: field.height))
                    y += field.height
                } else {
                    let row = f.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " " + form.values[k]
                    _ = buf.put(row, x: inner.x, y: y, style: k == form.selected ? theme.selection : .plain, clip: Rect(x: inner.x, y: y, width: inner.width, height: 1))
                    y += 1
                }
            }
            if form.editing == nil, let e = form.error, y < inner.maxY {
                _ = buf.put(e, x: inner.x, y: y, style: CellStyle(fg: theme.error), clip: inner)
            }
        }
    }
}
