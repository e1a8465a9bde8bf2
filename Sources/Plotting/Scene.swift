/// A resolution-independent description of a figure (pixel coordinates, origin top-left).
///
/// Both PNG (rasterised with `RasterImage`) and SVG (serialised by `SVGWriter`) are produced
/// from the same scene, so the two exports always agree on layout, ticks and labels.
public struct Scene: Sendable {
    public var width: Int
    public var height: Int
    public var background: RGB
    public var items: [SceneItem]

    public init(width: Int, height: Int, background: RGB = .white, items: [SceneItem] = []) {
        self.width = width; self.height = height; self.background = background; self.items = items
    }

    /// Nominal text metrics (the bitmap font at scale 2): layout code uses these.
    public static let charWidth = 12
    public static let charHeight = 14
}

/// Horizontal text anchor.
public enum TextAnchor: String, Sendable { case start, middle, end }

/// Shapes used to mark data points; one per series so series differ without colour.
public enum MarkerShape: Int, Sendable, CaseIterable {
    case circle, square, triangle, cross, diamond, plus

    /// Terminal glyph of the marker (Unicode).
    public var glyph: Character { ["●", "■", "▲", "×", "◆", "+"][rawValue] }
    /// ASCII glyph of the marker.
    public var asciiGlyph: Character { ["*", "#", "o", "x", "+", "%"][rawValue] }
}

/// One drawing primitive.
public enum SceneItem: Sendable {
    case rect(x: Double, y: Double, width: Double, height: Double, fill: RGB)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, color: RGB, width: Double)
    case polyline(points: [(Double, Double)], color: RGB, width: Double)
    case text(x: Double, y: Double, String, color: RGB, anchor: TextAnchor, bold: Bool)
    case marker(x: Double, y: Double, MarkerShape, color: RGB, size: Double)
}
