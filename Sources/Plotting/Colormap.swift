/// A map from the unit interval to colours, defined by evenly spaced anchor colours.
///
/// Kernel matrices are non-negative-ish and want a perceptually uniform sequential map
/// (viridis); differences of kernels want a diverging map whose midpoint is exactly 0.
public struct Colormap: Hashable, Sendable {
    public let name: String
    /// Anchor colours at t = 0, 1/(n-1), …, 1; colours in between are interpolated.
    public let anchors: [RGB]
    /// Diverging maps are normalised symmetrically around 0 so that 0 gets the middle colour.
    public let isDiverging: Bool
    /// Colour of NaN entries; chosen to be absent from the map itself.
    public let nanColor: RGB

    public init(name: String, anchors: [RGB], isDiverging: Bool = false, nanColor: RGB = RGB(255, 0, 255)) {
        self.name = name
        self.anchors = anchors.isEmpty ? [.black, .white] : anchors
        self.isDiverging = isDiverging
        self.nanColor = nanColor
    }

    /// Colour at `t` (clamped to 0...1); NaN gives `nanColor`.
    public func color(at t: Double) -> RGB {
        guard !t.isNaN else { return nanColor }
        let u = min(1, max(0, t))
        guard anchors.count > 1 else { return anchors[0] }
        let pos = u * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(pos))
        return anchors[i].mixed(with: anchors[i + 1], pos - Double(i))
    }

    /// Viridis (matplotlib), sampled at 9 evenly spaced points (#440154 … #FDE725).
    public static let viridis = Colormap(name: "viridis", anchors: [
        RGB(hex: 0x440154), RGB(hex: 0x472D7B), RGB(hex: 0x3B528B), RGB(hex: 0x2C728E),
        RGB(hex: 0x21908C), RGB(hex: 0x27AD81), RGB(hex: 0x5DC863), RGB(hex: 0xAADC32),
        RGB(hex: 0xFDE725),
    ])

    /// ColorBrewer RdBu (11 classes) reversed: blue for negative, near-white at 0, red for
    /// positive. NaN is magenta, which the map never produces.
    public static let diverging = Colormap(name: "RdBu", anchors: [
        RGB(hex: 0x053061), RGB(hex: 0x2166AC), RGB(hex: 0x4393C3), RGB(hex: 0x92C5DE),
        RGB(hex: 0xD1E5F0), RGB(hex: 0xF7F7F7), RGB(hex: 0xFDDBC7), RGB(hex: 0xF4A582),
        RGB(hex: 0xD6604D), RGB(hex: 0xB2182B), RGB(hex: 0x67001F),
    ], isDiverging: true)

    /// Black → white, for print and for checking that a figure works without hue.
    public static let grayscale = Colormap(name: "gray", anchors: [.black, .white], nanColor: RGB(255, 0, 0))
}
