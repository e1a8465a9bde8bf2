import CellSurface

/// A command offered by the palette.
public struct PaletteCommand: Hashable, Sendable {
    public var name: String
    public var description: String
    public init(name: String, description: String = "") { self.name = name; self.description = description }
}

/// State of the command palette: the query being typed and the selection among matches.
public struct CommandPaletteState: Hashable, Sendable {
    public var query: TextFieldState
    public var selected: Int

    public init(query: String = "") { self.query = TextFieldState(query); selected = 0 }

    /// What a key did.
    public enum Action: Equatable, Sendable {
        case none
        /// Run the named command (Enter on a match).
        case run(String)
        case cancel
    }

    /// Commands matching the query, best first: name prefix, then substring, then
    /// subsequence matches (all case-insensitive); ties keep the given order. Only the
    /// command-name part of the query (up to the first space) is matched, so typing
    /// arguments (`view.gram kernel=nngp`) keeps the command listed.
    public func matches(_ commands: [PaletteCommand]) -> [PaletteCommand] {
        CommandPaletteState.filter(commands, query: CommandPaletteState.namePart(query.string))
    }

    /// The command-name part of a palette line: the text before the first space (leading
    /// spaces ignored).
    public static func namePart(_ line: String) -> String {
        let t = line.drop { $0 == " " }
        return String(t.prefix { $0 != " " })
    }

    /// Whether the line has arguments after the command name.
    public static func hasArguments(_ line: String) -> Bool {
        let t = line.drop { $0 == " " }.drop { $0 != " " }
        return t.contains { $0 != " " }
    }

    public static func filter(_ commands: [PaletteCommand], query: String) -> [PaletteCommand] {
        let q = query.lowercased()
        guard !q.isEmpty else { return commands }
        func rank(_ name: String) -> Int? {
            let n = name.lowercased()
            if n.hasPrefix(q) { return 0 }
            if n.contains(q) { return 1 }
            var it = n.makeIterator()
            for ch in q {
                var found = false
                while let c = it.next() { if c == ch { found = true; break } }
                if !found { return nil }
            }
            return 2
        }
        return commands.enumerated()
            .compactMap { e in rank(e.element.name).map { (r: $0, i: e.offset, c: e.element) } }
            .sorted { ($0.r, $0.i) < ($1.r, $1.i) }
            .map(\.c)
    }

    /// Longest common prefix of `names` (case-sensitive, by characters).
    public static func commonPrefix(_ names: [String]) -> String {
        guard var prefix = names.first.map(Array.init) else { return "" }
        for n in names.dropFirst() {
            let a = Array(n)
            var k = 0
            while k < min(prefix.count, a.count) && prefix[k] == a[k] { k += 1 }
            prefix = Array(prefix.prefix(k))
        }
        return String(prefix)
    }

    /// Typing filters; ↑/↓ select; Tab completes to the common prefix of the prefix matches;
    /// Enter runs the selection; Esc cancels.
    public mutating func handle(_ event: InputEvent, commands: [PaletteCommand]) -> Action {
        let m = matches(commands)
        switch event {
        case .key(.escape), .key(.ctrl("c")): return .cancel
        case .key(.enter):
            guard !m.isEmpty else { return .none }
            return .run(m[min(max(0, selected), m.count - 1)].name)
        case .key(.up), .key(.ctrl("p")): selected = max(0, selected - 1)
        case .key(.down), .key(.ctrl("n")): selected = min(max(0, m.count - 1), selected + 1)
        case .key(.tab):
            // Completion applies to the name only; once arguments follow, Tab does nothing.
            guard !query.string.drop(while: { $0 == " " }).contains(" ") else { break }
            let q = query.string.lowercased()
            let prefixed = m.filter { $0.name.lowercased().hasPrefix(q) }.map(\.name)
            let p = CommandPaletteState.commonPrefix(prefixed)
            if p.count > query.string.count { query.set(p); selected = 0 }
        default:
            if query.handle(event) { selected = 0 }
        }
        return .none
    }
}

/// The palette box: a query line and the filtered commands with descriptions.
public struct CommandPalette: Widget {
    public var commands: [PaletteCommand]
    public var state: CommandPaletteState
    public var theme: Theme

    public init(commands: [PaletteCommand], state: CommandPaletteState, theme: Theme = Theme()) {
        self.commands = commands; self.state = state; self.theme = theme
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        let box = Rect(x: area.x + area.width / 8, y: area.y + 1, width: area.width - area.width / 4,
                       height: min(area.height - 2, commands.count + 4))
        guard box.width >= 10, box.height >= 4 else { return }
        Panel(title: "Command", focused: true, theme: theme).render(into: &buf, area: box)
        let inner = Panel.inner(box)
        FormField(label: theme.unicode ? "›" : ">", state: state.query, focused: true, theme: theme)
            .render(into: &buf, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: 1))
        let m = state.matches(commands)
        let listArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        if m.isEmpty {
            buf.put("no matching command", x: listArea.x + 2, y: listArea.y, style: CellStyle(fg: theme.muted), clip: listArea)
            return
        }
        var ls = ListState()
        ls.select(state.selected, count: m.count, visibleRows: listArea.height)
        let nameW = min(m.map(\.name.count).max() ?? 0, max(1, listArea.width / 2))
        let items = m.map { c -> String in
            let n = c.name.count >= nameW ? c.name : c.name + String(repeating: " ", count: nameW - c.name.count)
            return c.description.isEmpty ? n : n + "  " + c.description
        }
        ListView(items: items, state: ls, theme: theme).render(into: &buf, area: listArea)
    }
}
