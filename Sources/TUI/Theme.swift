import CellSurface

/// Colours and glyph set shared by all widgets, so screens look consistent and degrade
/// together in ASCII mode.
public struct Theme: Hashable, Sendable {
    public var unicode: Bool
    public var accent: RGB
    public var error: RGB
    public var muted: RGB
    public var selection: CellStyle
    public var border: CellStyle

    public init(unicode: Bool = true) {
        self.unicode = unicode
        accent = RGB(hex: 0x56B4E9)
        error = RGB(hex: 0xE05050)
        muted = RGB(hex: 0x8A8A8A)
        selection = CellStyle(reverse: true)
        border = CellStyle(fg: RGB(hex: 0x8A8A8A))
    }

    /// The theme for given render options (ASCII glyphs when Unicode is off).
    public init(options: RenderOptions) { self.init(unicode: options.unicode) }

    /// Box-drawing characters: top-left, top-right, bottom-left, bottom-right, horizontal, vertical.
    public var box: (tl: Character, tr: Character, bl: Character, br: Character, h: Character, v: Character) {
        unicode ? ("┌", "┐", "└", "┘", "─", "│") : ("+", "+", "+", "+", "-", "|")
    }

    public var ellipsis: String { unicode ? "…" : "~" }
}

/// Something that draws itself into a region of a buffer. Widgets are values built from
/// application state for each frame (immediate mode); they hold no terminal resources.
public protocol Widget {
    func render(into buffer: inout CellBuffer, area: Rect)
}

extension CellBuffer {
    /// Renders `widget` into `area` (convenience for `widget.render(into:area:)`).
    public mutating func render(_ widget: some Widget, in area: Rect) {
        widget.render(into: &self, area: area)
    }
}

/// Truncates to `width` characters, marking the cut.
func clipText(_ s: String, _ width: Int, theme: Theme) -> String {
    guard width > 0 else { return "" }
    if s.count <= width { return s }
    return String(s.prefix(max(0, width - 1))) + (width > 1 ? theme.ellipsis : "")
}
