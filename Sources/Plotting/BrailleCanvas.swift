/// A pixel canvas drawn with Unicode braille patterns (U+2800…U+28FF): each cell holds a
/// 2×4 dot matrix, giving 8× the resolution of plain characters for line plots.
public struct BrailleCanvas: Sendable {
    public let widthCells: Int
    public let heightCells: Int
    private var bits: [UInt8]
    private var colors: [RGB?]

    public init(widthCells: Int, heightCells: Int) {
        self.widthCells = max(0, widthCells); self.heightCells = max(0, heightCells)
        bits = Array(repeating: 0, count: self.widthCells * self.heightCells)
        colors = Array(repeating: nil, count: self.widthCells * self.heightCells)
    }

    public var pixelWidth: Int { widthCells * 2 }
    public var pixelHeight: Int { heightCells * 4 }

    /// Bit of the dot at column `dx` (0–1), row `dy` (0–3) inside a cell, following the
    /// braille dot numbering (dots 1-2-3-7 left column, 4-5-6-8 right column).
    public static func dotBit(dx: Int, dy: Int) -> UInt8 {
        let table: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        return table[max(0, min(3, dy))][max(0, min(1, dx))]
    }

    /// The braille character with the given dot bits.
    public static func glyph(bits: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(bits)) ?? " ")
    }

    /// Sets a dot (ignored outside the canvas); the cell takes the latest colour.
    public mutating func set(_ px: Int, _ py: Int, color: RGB?) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let i = (py / 4) * widthCells + px / 2
        bits[i] |= BrailleCanvas.dotBit(dx: px % 2, dy: py % 4)
        colors[i] = color
    }

    /// Bresenham line between two dots.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, color: RGB?) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var n = 0
        while n <= 4 * (pixelWidth + pixelHeight) + 8 {
            n += 1
            set(x, y, color: color)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Dot bits of cell (cx, cy).
    public func cellBits(_ cx: Int, _ cy: Int) -> UInt8 {
        guard cx >= 0, cy >= 0, cx < widthCells, cy < heightCells else { return 0 }
        return bits[cy * widthCells + cx]
    }

    /// Writes the non-empty cells into `buf` with the canvas origin at (x, y).
    public func draw(into buf: inout CellBuffer, x: Int, y: Int) {
        for cy in 0..<heightCells {
            for cx in 0..<widthCells {
                let b = bits[cy * widthCells + cx]
                if b != 0 { buf[x + cx, y + cy] = Cell(BrailleCanvas.glyph(bits: b), fg: colors[cy * widthCells + cx]) }
            }
        }
    }
}
