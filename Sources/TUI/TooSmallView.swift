import CellSurface

/// Shown instead of a screen when the terminal is below the size the screen needs, rather
/// than drawing a garbled layout.
public struct TooSmallView: Widget {
    public var minWidth: Int
    public var minHeight: Int
    public var theme: Theme

    public init(minWidth: Int, minHeight: Int, theme: Theme = Theme()) {
        self.minWidth = minWidth; self.minHeight = minHeight; self.theme = theme
    }

    public func render(into buf: inout CellBuffer, area: Rect) {
        buf.fill(area)
        guard let lines = TooSmallView.lines(width: area.width, height: area.height, minWidth: minWidth,
                                             minHeight: minHeight, unicode: theme.unicode) else { return }
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            buf.put(l.text, x: area.x + max(0, (area.width - l.text.count) / 2), y: top + i,
                    style: l.isTitle ? CellStyle(fg: theme.error, bold: true) : .plain, clip: area)
        }
    }

    /// The message laid out for a `width`×`height` area: the most informative variant whose
    /// word-wrapped lines fit, never cutting a word. The quit hint is part of every variant
    /// (shortened before it is dropped), so it shows down to a 1×1 area ("q").
    static func lines(width: Int, height: Int, minWidth: Int, minHeight: Int, unicode: Bool) -> [(text: String, isTitle: Bool)]? {
        guard width > 0, height > 0 else { return nil }
        let x = unicode ? "×" : "x"
        let size = "\(width)\(x)\(height), need \(minWidth)\(x)\(minHeight)"
        let bodies: [[(String, Bool)]] = [
            [("Terminal too small", true), (size, false)],
            [("Too small", true), (size, false)],
            [("Too small", true)],
            [],
        ]
        // "press q to quit" with less context beats more context with a terser hint.
        let hintTiers = [["Resize it, or press q to quit", "Resize, or press q to quit", "press q to quit"], ["q: quit"], ["q"]]
        for hints in hintTiers {
        for body in bodies {
            for hint in hints {
                var out: [(text: String, isTitle: Bool)] = []
                var fits = true
                for (text, title) in body + [(hint, false)] {
                    guard let w = wrapWords(text, width: width) else { fits = false; break }
                    out += w.map { ($0, title) }
                }
                if fits && out.count <= height { return out }
            }
        }
        }
        return nil
    }

    /// Greedy word wrap; nil when a word is longer than `width` (it would have to be cut).
    static func wrapWords(_ text: String, width: Int) -> [String]? {
        var lines: [String] = [], cur = ""
        for word in text.split(separator: " ") {
            if word.count > width { return nil }
            if cur.isEmpty { cur = String(word) } else if cur.count + 1 + word.count <= width { cur += " " + word } else {
                lines.append(cur); cur = String(word)
            }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }

    /// A full frame: `content` if the size is sufficient, otherwise the too-small message.
    public static func frame(width: Int, height: Int, minWidth: Int, minHeight: Int, theme: Theme = Theme(),
                             content: (inout CellBuffer) -> Void) -> CellBuffer {
        var buf = CellBuffer(width: width, height: height)
        if width < minWidth || height < minHeight {
            TooSmallView(minWidth: minWidth, minHeight: minHeight, theme: theme).render(into: &buf, area: buf.area)
        } else {
            content(&buf)
        }
        return buf
    }
}
