/// How many colours the output device can show.
///
/// Chosen once per session (from `COLORTERM`, `TERM`, `NO_COLOR`, or ncurses' `COLORS`) and
/// applied when cells are written, so figures never need to know the terminal.
public enum ColorMode: String, Sendable, CaseIterable {
    /// 24-bit colour (`COLORTERM=truecolor`, `*-direct` terminfo).
    case truecolor
    /// The xterm 256-colour palette (colour cube + grey ramp); nearest colour is used.
    case palette256
    /// The 8 basic ANSI colours; figures switch to shade glyphs to keep values readable.
    case palette8
    /// No colour at all (`NO_COLOR`, dumb terminals): glyphs and attributes only.
    case none

    /// The colour actually shown for `c` in this mode (`nil` = terminal default).
    public func quantize(_ c: RGB?) -> RGB? {
        guard let c else { return nil }
        switch self {
        case .truecolor: return c
        case .palette256: return XtermPalette.color(XtermPalette.nearest256(c))
        case .palette8: return XtermPalette.basic[XtermPalette.nearest8(c)]
        case .none: return nil
        }
    }

    /// A style with both colours quantized.
    public func quantized(_ s: CellStyle) -> CellStyle {
        var q = s
        q.fg = quantize(s.fg); q.bg = quantize(s.bg)
        return q
    }

    /// SGR escape sequence that establishes `style` from scratch (starts with a reset).
    public func sgr(_ style: CellStyle) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.reverse { codes.append("7") }
        if let fg = style.fg { codes.append(colorCode(fg, foreground: true)) }
        if let bg = style.bg { codes.append(colorCode(bg, foreground: false)) }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    private func colorCode(_ c: RGB, foreground: Bool) -> String {
        switch self {
        case .truecolor: return "\(foreground ? 38 : 48);2;\(c.r);\(c.g);\(c.b)"
        case .palette256: return "\(foreground ? 38 : 48);5;\(XtermPalette.nearest256(c))"
        case .palette8: return "\((foreground ? 30 : 40) + XtermPalette.nearest8(c))"
        case .none: return foreground ? "39" : "49"
        }
    }
}

/// Everything a figure needs to know about the output device.
public struct RenderOptions: Hashable, Sendable {
    public var colorMode: ColorMode
    /// When false only ASCII is emitted: shade ramp ` .:-=+*#%@`, markers `*+ox#`, `-|+` frames.
    public var unicode: Bool

    public init(colorMode: ColorMode = .truecolor, unicode: Bool = true) {
        self.colorMode = colorMode; self.unicode = unicode
    }

    /// True colour + Unicode: the richest rendering, used for exports and most tests.
    public static let rich = RenderOptions()
    /// No colour, ASCII only: the most portable rendering (logs, `NO_COLOR`, dumb terminals).
    public static let plain = RenderOptions(colorMode: .none, unicode: false)

    /// Whether heatmaps use the shade ramp instead of coloured half blocks.
    public var usesShadeRamp: Bool { colorMode == .none || colorMode == .palette8 || !unicode }

    /// Derives options from environment variables, following the de-facto conventions:
    /// `NO_COLOR` (non-empty) disables colour, `COLORTERM=truecolor|24bit` enables 24-bit,
    /// `TERM=*256color*` the 256 palette, `TERM=dumb` nothing; Unicode needs a UTF-8 locale
    /// (`LC_ALL`, `LC_CTYPE`, `LANG`) unless `ENTK_ASCII=1`.
    public static func detect(environment env: [String: String]) -> RenderOptions {
        let term = env["TERM"] ?? ""
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        let mode: ColorMode
        if let nc = env["NO_COLOR"], !nc.isEmpty { mode = .none }
        else if term == "dumb" { mode = .none }
        else if colorterm == "truecolor" || colorterm == "24bit" || term.hasSuffix("-direct") { mode = .truecolor }
        else if term.contains("256color") { mode = .palette256 }
        else if term.isEmpty { mode = .none }
        else { mode = .palette8 }
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["LANG"] ?? ""
        let utf8 = locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
        let unicode = utf8 && env["ENTK_ASCII"] != "1" && term != "dumb"
        return RenderOptions(colorMode: mode, unicode: unicode)
    }
}
