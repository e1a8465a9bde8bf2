import CNcursesw
import Foundation
import CellSurface

/// The real terminal, through wide-character ncurses.
///
/// Set-up follows the platform recipe: UTF-8 locale (falling back to C.UTF-8), `raw()` so
/// Ctrl-C arrives as a key and the app leaves through `endwin()`, keypad + mouse, a short
/// `ESCDELAY`, default colours and extended colour pairs. Use from one thread only.
public final class NcursesScreen: Screen {
    public private(set) var width: Int = 0
    public private(set) var height: Int = 0
    public private(set) var options: RenderOptions
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: CellBuffer?
    private var pairs: ColorPairTable
    private var pairsExhausted = false
    private var active = true

    /// Starts curses mode. Throws when there is no usable terminal (e.g. stdout is not a tty
    /// and `TERM` is unknown), instead of letting ncurses exit the process.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        setlocale(LC_ALL, "")
        if let cs = nl_langinfo(nl_item(CODESET)) {
            let name = String(cString: cs).uppercased()
            if name != "UTF-8" && name != "UTF8" { setlocale(LC_CTYPE, "C.UTF-8") }
        }
        guard isatty(1) == 1 || isatty(0) == 1 else { throw ScreenError.notATerminal }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { throw ScreenError.unsupportedTerminal(environment["TERM"] ?? "") }
        guard let w = cn_start() else { throw ScreenError.unsupportedTerminal(term) }
        window = w
        raw()
        noecho()
        keypad(w, true)
        set_escdelay(25)
        _ = curs_set(0)
        mousemask(cn_mouse_mask_default(), nil)
        mouseinterval(0)
        wtimeout(w, 50)
        var mode = ColorMode.none
        if has_colors() {
            start_color()
            use_default_colors()
            mode = ColorDetection.mode(environment: environment, hasColors: true,
                                       colors: Int(cn_colors()), directColor: cn_has_direct_color() != 0)
        }
        let codeset = nl_langinfo(nl_item(CODESET)).map { String(cString: $0).uppercased() } ?? ""
        let unicode = codeset.contains("UTF") && environment["ENTK_ASCII"] != "1"
        options = RenderOptions(colorMode: mode, unicode: unicode)
        pairs = ColorPairTable(limit: Int(cn_color_pairs()))
        updateSize()
    }

    deinit { shutdown() }

    /// Leaves curses mode (idempotent). Call before printing to stdout or exiting.
    public func shutdown() {
        guard active else { return }
        active = false
        endwin()
    }

    private func updateSize() {
        var r: Int32 = 0, c: Int32 = 0
        cn_getmaxyx(window, &r, &c)
        height = Int(r); width = Int(c)
    }

    public func draw(_ buffer: CellBuffer) {
        guard active else { return }
        if pairsExhausted { pairs.reset(); pairsExhausted = false; previous = nil }
        if previous == nil || previous?.width != buffer.width || previous?.height != buffer.height {
            previous = nil
            werase(window)
        }
        for change in FrameDiff.changes(from: previous, to: buffer) where change.x < width && change.y < height {
            put(change.cell, x: change.x, y: change.y)
        }
        previous = buffer
        wrefresh(window)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attrs = cn_a_normal()
        if cell.bold { attrs |= cn_a_bold() }
        if cell.dim { attrs |= cn_a_dim() }
        if cell.reverse { attrs |= cn_a_reverse() }
        var pair: Int32 = 0
        let mode = options.colorMode
        if mode != .none {
            let fg = ColorPairTable.colorNumber(cell.fg, mode: mode)
            let bg = ColorPairTable.colorNumber(cell.bg, mode: mode)
            if let p = pairs.pair(fg: fg, bg: bg) {
                if p.isNew { _ = cn_init_pair(p.pair, fg, bg) }
                pair = p.pair
            } else {
                pairsExhausted = true
            }
        }
        let scalar = cell.glyph.unicodeScalars.first?.value ?? 32
        // Writing the bottom-right cell reports ERR (the cursor cannot advance); harmless.
        _ = cn_put_wch(window, Int32(y), Int32(x), wchar_t(bitPattern: scalar), attrs, pair)
    }

    public func nextEvent(timeoutMS: Int) -> InputEvent? {
        guard active else { return nil }
        wtimeout(window, Int32(max(0, min(timeoutMS, Int(Int32.max)))))
        var code: UInt32 = 0
        let r = cn_get_wch(window, &code)
        if r == ERR { return nil }
        if r == cn_key_code_yes() {
            let k = Int32(bitPattern: code)
            if k == cn_key_resize() {
                updateSize()
                previous = nil
                return .resize(width: width, height: height)
            }
            if k == cn_key_mouse() {
                var x: Int32 = 0, y: Int32 = 0
                var b: UInt = 0
                guard cn_getmouse(&x, &y, &b) == OK else { return nil }
                return KeyDecoder.decodeMouse(bstate: b, x: Int(x), y: Int(y))
            }
            return KeyDecoder.decode(keyCode: k)
        }
        return KeyDecoder.decode(character: code)
    }
}
