/// Horizontal text anchor.
public enum TextAnchor: String, Sendable { case start, middle, end }

/// Shapes used to mark data points; one per series (group) so series differ without colour.
public enum MarkerShape: Int, Sendable, CaseIterable {
    case circle, square, triangle, cross, diamond, plus

    /// Terminal glyph of the marker (Unicode).
    public var glyph: Character { ["●", "■", "▲", "×", "◆", "+"][rawValue] }
    /// ASCII glyph of the marker.
    public var asciiGlyph: Character { ["*", "#", "o", "x", "+", "%"][rawValue] }
}
