import CellSurface

/// Editing state of a one-line text input: the text and a cursor position (in characters).
public struct TextFieldState: Hashable, Sendable {
    public private(set) var text: [Character]
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        self.text = Array(text); cursor = self.text.count
    }

    public var string: String { String(text) }

    public mutating func insert(_ ch: Character) { text.insert(ch, at: cursor); cursor += 1 }
    public mutating func backspace() { guard cursor > 0 else { return }; cursor -= 1; text.remove(at: cursor) }
    public mutating func deleteForward() { guard cursor < text.count else { return }; text.remove(at: cursor) }
    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = text.count }
    /// Replaces the whole text (cursor at the end), e.g. after completion.
    public mutating func set(_ s: String) { text = Array(s); cursor = text.count }

    /// Handles editing keys (printable chars, Backspace, Delete, ←/→, Home/End, Ctrl-A/E/U);
    /// returns whether the event was used.
    @discardableResult
    public mutating func handle(_ event: InputEvent) -> Bool {
        guard case let .key(k) = event else { return false }
        switch k {
        case let .char(c): insert(c)
        case .backspace: backspace()
        case .delete, .ctrl("d"): deleteForward()
        case .left, .ctrl("b"): moveLeft()
        case .right, .ctrl("f"): moveRight()
        case .home, .ctrl("a"): moveHome()
        case .end, .ctrl("e"): moveEnd()
        case .ctrl("u"): text.removeSubrange(0..<cursor); cursor = 0
        default: return false
        }
        return true
    }
}

/// A labelled input line with an optional validation message underneath.
///
/// Validation is the caller's job (it knows what is valid); the widget only shows the
/// message, so the same field works for widths, seeds, file names, …
public struct FormField: Widget {
    public var label: String
    public var state: TextFieldState
    public var focused: Bool
    /// Shown in the error colour on the line below; nil when the value is valid.
    public var error: String?
    public var theme: Theme

    public init(label: String, state: TextFieldState, focused: Bool = false, error: String? = nil, theme: Theme = Theme()) {
        self.label = label; self.state = state; self.focused = focused; self.error = error; self.theme = theme
    }

    /// Rows the field needs (1, or 2 with a validation message).
    public var height: Int { error == nil ? 1 : 2 }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        guard !area.isEmpty else { return }
        let labelText = label + ": "
        let x0 = buf.put(labelText, x: area.x, y: area.y, style: CellStyle(bold: focused), clip: area)
        let fieldW = area.maxX - x0
        guard fieldW > 0 else { return }
        // Scroll horizontally so the cursor stays visible.
        let start = max(0, state.cursor - fieldW + 1)
        let visible = Array(state.text.dropFirst(start).prefix(fieldW))
        let underline = CellStyle(fg: error == nil ? nil : theme.error, dim: !focused)
        for i in 0..<fieldW {
            let ch: Character = i < visible.count ? visible[i] : (theme.unicode ? "·" : ".")
            var st = i < visible.count ? CellStyle(fg: error == nil ? nil : theme.error) : underline
            if focused && start + i == state.cursor { st.reverse = true }
            buf.put(String(ch), x: x0 + i, y: area.y, style: st, clip: area)
        }
        if let e = error, area.height > 1 {
            let mark = theme.unicode ? "✗ " : "! "
            buf.put(clipText(mark + e, area.width - labelText.count, theme: theme), x: x0, y: area.y + 1,
                    style: CellStyle(fg: theme.error), clip: area)
        }
    }
}
