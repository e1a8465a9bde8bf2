import CellSurface

/// Assigns ncurses colour-pair numbers to (foreground, background) colour numbers.
///
/// Pairs are created lazily with `init_extended_pair`; when the terminal's pair limit is
/// reached the table is reset and the screen forces a full redraw.
struct ColorPairTable {
    private(set) var pairs: [Int64: Int32] = [:]
    let limit: Int
    private var next: Int32 = 1

    init(limit: Int) { self.limit = max(1, limit) }

    /// Terminal colour number for `c` in `mode` (-1 = terminal default).
    static func colorNumber(_ c: RGB?, mode: ColorMode) -> Int32 {
        guard let c else { return -1 }
        switch mode {
        case .truecolor: return Int32(bitPattern: c.hex)
        case .palette256: return Int32(XtermPalette.nearest256(c))
        case .palette8: return Int32(XtermPalette.nearest8(c))
        case .none: return -1
        }
    }

    /// Existing pair, or a newly allocated pair number that the caller must initialise;
    /// nil when the table is full.
    mutating func pair(fg: Int32, bg: Int32) -> (pair: Int32, isNew: Bool)? {
        if fg == -1 && bg == -1 { return (0, false) }
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if let p = pairs[key] { return (p, false) }
        guard Int(next) < limit else { return nil }
        let p = next
        next += 1
        pairs[key] = p
        return (p, true)
    }

    mutating func reset() { pairs = [:]; next = 1 }
}
