/// The xterm 256-colour palette and the 8 basic ANSI colours, with nearest-colour lookup.
///
/// Indices 0–15 are left out of the nearest search on purpose: their RGB values are
/// user-configurable in most terminals, while the 6×6×6 cube (16–231) and the grey ramp
/// (232–255) are fixed, so a chosen colour looks the same everywhere.
public enum XtermPalette {
    /// Channel levels of the 6×6×6 cube.
    public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// Default xterm RGB values of the 8 basic colours (black, red, green, yellow, blue,
    /// magenta, cyan, white), in SGR 30–37 order.
    public static let basic: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
    ]

    /// RGB of palette index 16...255 (basic colours for 0...15).
    public static func color(_ index: Int) -> RGB {
        switch index {
        case 0..<8: return basic[index]
        case 8..<16: return basic[index - 8].mixed(with: .white, 0.3)
        case 16..<232:
            let i = index - 16
            return RGB(UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
        default:
            let v = UInt8(8 + 10 * (min(255, max(232, index)) - 232))
            return RGB(v, v, v)
        }
    }

    /// Nearest palette index in 16...255 (cube or grey ramp, whichever is closer).
    public static func nearest256(_ c: RGB) -> Int {
        func level(_ v: UInt8) -> Int {
            var best = 0, bestD = Int.max
            for (i, l) in cubeLevels.enumerated() {
                let d = abs(l - Int(v))
                if d < bestD { bestD = d; best = i }
            }
            return best
        }
        let cube = 16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b)
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = 232 + min(23, max(0, (avg - 8 + 5) / 10))
        return color(cube).distanceSquared(to: c) <= color(greyIndex).distanceSquared(to: c) ? cube : greyIndex
    }

    /// Nearest of the 8 basic colours (index 0...7).
    public static func nearest8(_ c: RGB) -> Int {
        var best = 0, bestD = Int.max
        for (i, b) in basic.enumerated() {
            let d = b.distanceSquared(to: c)
            if d < bestD { bestD = d; best = i }
        }
        return best
    }
}
