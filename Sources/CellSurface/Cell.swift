/// One terminal cell: a single-column glyph with optional foreground/background colours and
/// text attributes.
///
/// `nil` colours mean "terminal default", which keeps plain text readable on both light and
/// dark terminals and lets `NO_COLOR` output stay free of colour escapes.
public struct Cell: Hashable, Sendable {
    public var glyph: Character
    public var fg: RGB?
    public var bg: RGB?
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool

    public init(_ glyph: Character = " ", fg: RGB? = nil, bg: RGB? = nil,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.glyph = glyph; self.fg = fg; self.bg = bg
        self.bold = bold; self.dim = dim; self.reverse = reverse
    }

    /// A blank cell with default colours.
    public static let blank = Cell()

    /// The style part of the cell (everything but the glyph).
    public var style: CellStyle {
        get { CellStyle(fg: fg, bg: bg, bold: bold, dim: dim, reverse: reverse) }
        set { fg = newValue.fg; bg = newValue.bg; bold = newValue.bold; dim = newValue.dim; reverse = newValue.reverse }
    }
}

/// Colours and attributes without a glyph, so text can be written with one style argument.
public struct CellStyle: Hashable, Sendable {
    public var fg: RGB?
    public var bg: RGB?
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool

    public init(fg: RGB? = nil, bg: RGB? = nil, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.reverse = reverse
    }

    public static let plain = CellStyle()
    public static let bold = CellStyle(bold: true)
    public static let dim = CellStyle(dim: true)
}
