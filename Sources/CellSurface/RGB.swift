/// A 24-bit sRGB colour.
///
/// Figures are always composed in full colour; the reduction to what a terminal can show
/// (256, 8 or no colours) happens at output time (`ColorMode.quantize`), so one rendered
/// buffer can be dumped, diffed or exported in any mode.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r; self.g = g; self.b = b
    }

    /// `0xRRGGBB`; the same number a direct-colour ncurses terminal uses as a colour index.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    public var hex: UInt32 { UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b) }

    /// `#rrggbb`, as used in SVG.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [r, g, b] {
            s.append(digits[Int(c >> 4)]); s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    public var description: String { hexString }

    /// Linear interpolation in sRGB space (`t` is clamped to 0...1).
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        let u = min(1, max(0, t.isNaN ? 0 : t))
        func ch(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * u).rounded())
        }
        return RGB(ch(r, other.r), ch(g, other.g), ch(b, other.b))
    }

    /// Squared Euclidean distance in RGB, used for nearest-palette searches.
    public func distanceSquared(to o: RGB) -> Int {
        let dr = Int(r) - Int(o.r), dg = Int(g) - Int(o.g), db = Int(b) - Int(o.b)
        return dr * dr + dg * dg + db * db
    }

    /// Relative luminance (0...1, Rec. 709 weights on sRGB values) — used to choose a
    /// readable text colour on top of a coloured background.
    public var luminance: Double {
        (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
    }

    public static let black = RGB(0, 0, 0)
    public static let white = RGB(255, 255, 255)
}
