/// A `width`×`height` grid of `Cell`s: the single thing every figure and widget renders into.
///
/// Rendering into a plain value (instead of straight to ncurses) makes every screen testable
/// as a snapshot (`lines`, `ansi(mode:)`) and lets the terminal backend write only the cells
/// that changed since the previous frame.
public struct CellBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major cells, `cells[y * width + x]`.
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rect, for layout.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Cell access; reads outside the grid return a blank cell and writes are ignored, so
    /// renderers can clip by simply drawing.
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` starting at (x, y), one Character per cell, clipped to `clip` (default:
    /// the whole buffer). Returns the x after the last written character.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, clip: Rect? = nil) -> Int {
        let c = (clip ?? area).intersection(area)
        var cx = x
        for ch in text {
            if ch == "\n" { break }
            if c.contains(x: cx, y: y) {
                var cell = Cell(ch)
                cell.style = style
                self[cx, y] = cell
            }
            cx += 1
        }
        return cx
    }

    /// Sets only the style of the cells in `rect`, keeping glyphs (e.g. to highlight a row).
    public mutating func setStyle(_ style: CellStyle, in rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y].style = style } }
    }

    /// Fills `rect` (clipped) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y] = cell } }
    }

    /// Copies `other` into this buffer with its top-left corner at (x, y), clipped.
    public mutating func blit(_ other: CellBuffer, x ox: Int, y oy: Int) {
        for y in 0..<other.height {
            for x in 0..<other.width { self[ox + x, oy + y] = other[x, y] }
        }
    }

    /// Plain-text rows (glyphs only, trailing spaces kept so widths are visible in snapshots).
    public var lines: [String] {
        (0..<height).map { y in String(cells[(y * width)..<((y + 1) * width)].map(\.glyph)) }
    }

    /// The rows joined with newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// ANSI/SGR rendition of the buffer in the given colour mode, one line per row, each line
    /// ending with a reset. Used for colour snapshots and for printing figures to a
    /// non-curses terminal (e.g. `entk plot` to stdout).
    public func ansi(mode: ColorMode) -> String {
        var out = ""
        for y in 0..<height {
            var current: CellStyle? = nil
            for x in 0..<width {
                let cell = cells[y * width + x]
                let style = mode.quantized(cell.style)
                if style != current {
                    out += mode.sgr(style)
                    current = style
                }
                out.append(cell.glyph)
            }
            out += "\u{1B}[0m\n"
        }
        return out
    }
}
