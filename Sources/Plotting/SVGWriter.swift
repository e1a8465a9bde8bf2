/// Serialises a `Scene` as a standalone SVG 1.1 document (real vector output: rects,
/// polylines, lines and text elements).
public enum SVGWriter {
    public static func svg(_ scene: Scene) -> String {
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(scene.width)" height="\(scene.height)" viewBox="0 0 \(scene.width) \(scene.height)">
        <rect x="0" y="0" width="\(scene.width)" height="\(scene.height)" fill="\(scene.background.hexString)"/>

        """
        for item in scene.items {
            switch item {
            case let .rect(x, y, w, h, fill):
                s += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill.hexString)\"/>\n"
            case let .line(x1, y1, x2, y2, color, w):
                s += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(w))\"/>\n"
            case let .polyline(points, color, w):
                let pts = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
                s += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(w))\" stroke-linejoin=\"round\"/>\n"
            case let .text(x, y, text, color, anchor, bold):
                s += "<text x=\"\(n(x))\" y=\"\(n(y))\" fill=\"\(color.hexString)\" font-family=\"monospace\" font-size=\"14\" text-anchor=\"\(anchor.rawValue)\"\(bold ? " font-weight=\"bold\"" : "")>\(escape(text))</text>\n"
            case let .marker(x, y, shape, color, size):
                s += marker(shape, x, y, size / 2, color)
            }
        }
        s += "</svg>\n"
        return s
    }

    private static func marker(_ shape: MarkerShape, _ x: Double, _ y: Double, _ r: Double, _ c: RGB) -> String {
        let col = c.hexString
        switch shape {
        case .circle: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(col)\"/>\n"
        case .square: return "<rect x=\"\(n(x - r))\" y=\"\(n(y - r))\" width=\"\(n(2 * r))\" height=\"\(n(2 * r))\" fill=\"\(col)\"/>\n"
        case .triangle: return "<polygon points=\"\(n(x)),\(n(y - r)) \(n(x + r)),\(n(y + r)) \(n(x - r)),\(n(y + r))\" fill=\"\(col)\"/>\n"
        case .diamond: return "<polygon points=\"\(n(x)),\(n(y - r)) \(n(x + r)),\(n(y)) \(n(x)),\(n(y + r)) \(n(x - r)),\(n(y))\" fill=\"\(col)\"/>\n"
        case .cross:
            return "<path d=\"M\(n(x - r)) \(n(y - r))L\(n(x + r)) \(n(y + r))M\(n(x - r)) \(n(y + r))L\(n(x + r)) \(n(y - r))\" stroke=\"\(col)\" stroke-width=\"2\"/>\n"
        case .plus:
            return "<path d=\"M\(n(x - r)) \(n(y))L\(n(x + r)) \(n(y))M\(n(x)) \(n(y - r))L\(n(x)) \(n(y + r))\" stroke=\"\(col)\" stroke-width=\"2\"/>\n"
        }
    }

    /// Compact coordinate formatting (2 decimals at most).
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(r)
    }

    /// XML text escaping.
    public static func escape(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&apos;"
            default: o.append(ch)
            }
        }
        return o
    }
}
