/// An RGB pixel buffer with just enough drawing (rects, Bresenham lines, markers, bitmap
/// text) to rasterise a `Scene` for PNG export without any graphics library.
public struct RasterImage: Sendable {
    public let width: Int
    public let height: Int
    /// Packed RGB bytes, row-major, 3 bytes per pixel.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: RGB = .white) {
        self.width = max(1, width); self.height = max(1, height)
        pixels = []
        pixels.reserveCapacity(self.width * self.height * 3)
        for _ in 0..<(self.width * self.height) { pixels += [background.r, background.g, background.b] }
    }

    public subscript(x: Int, y: Int) -> RGB {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .black }
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b
        }
    }

    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { self[xx, yy] = c } }
    }

    /// Bresenham line; `thickness` > 1 draws a square brush.
    public mutating func drawLine(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: RGB, thickness: Int = 1) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        let r = max(0, thickness - 1) / 2
        var guardCount = 0
        while guardCount < 1_000_000 {
            guardCount += 1
            if r == 0 { self[x, y] = c } else { fillRect(x: x - r, y: y - r, width: 2 * r + 1, height: 2 * r + 1, c) }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Bitmap text at integer `scale`; (x, y) is the anchor point on the text's top edge.
    public mutating func drawText(_ s: String, x: Int, y: Int, _ c: RGB, anchor: TextAnchor = .start, scale: Int = 2, bold: Bool = false) {
        let advance = (BitmapFont.glyphWidth + 1) * scale
        let total = s.count * advance
        var cx: Int
        switch anchor {
        case .start: cx = x
        case .middle: cx = x - total / 2
        case .end: cx = x - total
        }
        for ch in s {
            for gy in 0..<BitmapFont.glyphHeight {
                for gx in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(ch, x: gx, y: gy) {
                    fillRect(x: cx + gx * scale, y: y + gy * scale, width: scale + (bold ? 1 : 0), height: scale, c)
                }
            }
            cx += advance
        }
    }

    public mutating func drawMarker(_ shape: MarkerShape, x: Int, y: Int, size: Int, _ c: RGB) {
        let r = max(2, size / 2)
        switch shape {
        case .square: fillRect(x: x - r, y: y - r, width: 2 * r + 1, height: 2 * r + 1, c)
        case .circle:
            for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r + r / 2 { self[x + dx, y + dy] = c } }
        case .diamond:
            for dy in -r...r { for dx in -r...r where abs(dx) + abs(dy) <= r { self[x + dx, y + dy] = c } }
        case .triangle:
            for dy in -r...r {
                let half = (dy + r) / 2
                for dx in -half...half { self[x + dx, y + dy] = c }
            }
        case .cross:
            drawLine(x - r, y - r, x + r, y + r, c, thickness: 2); drawLine(x - r, y + r, x + r, y - r, c, thickness: 2)
        case .plus:
            drawLine(x - r, y, x + r, y, c, thickness: 2); drawLine(x, y - r, x, y + r, c, thickness: 2)
        }
    }

    /// Rasterises a scene.
    public init(scene: Scene) {
        self.init(width: scene.width, height: scene.height, background: scene.background)
        for item in scene.items {
            switch item {
            case let .rect(x, y, w, h, fill):
                let x0 = Clip.pixel(x), y0 = Clip.pixel(y)
                fillRect(x: x0, y: y0, width: Clip.pixel(x + w) - x0, height: Clip.pixel(y + h) - y0, fill)
            case let .line(x1, y1, x2, y2, color, w):
                drawLine(Clip.pixel(x1), Clip.pixel(y1), Clip.pixel(x2), Clip.pixel(y2), color, thickness: Clip.pixel(w))
            case let .polyline(points, color, w):
                for (a, b) in zip(points, points.dropFirst()) {
                    drawLine(Clip.pixel(a.0), Clip.pixel(a.1), Clip.pixel(b.0), Clip.pixel(b.1), color, thickness: Clip.pixel(w))
                }
            case let .text(x, y, s, color, anchor, bold):
                // Scene y is the text baseline; the bitmap font draws from the top edge.
                drawText(s, x: Clip.pixel(x), y: Clip.pixel(y) - Scene.charHeight + 2, color, anchor: anchor, bold: bold)
            case let .marker(x, y, shape, color, size):
                drawMarker(shape, x: Clip.pixel(x), y: Clip.pixel(y), size: min(64, Clip.pixel(size)), color)
            }
        }
    }
}
