import CCairo
import FileIO
import Foundation

/// File formats of an exported figure; all three are drawn by the same code through Cairo.
/// PNG pixels are rasterised by Cairo and encoded by `PNGCodec` (libpng), the one PNG writer of
/// entk (data-set images use it too); SVG and PDF are Cairo's own vector output.
public enum FigureFormat: String, Sendable, CaseIterable {
    case png, svg, pdf
}

/// Errors of the file exports.
public enum PlotExportError: Error, Equatable, CustomStringConvertible {
    case cairo(String)

    public var description: String {
        switch self {
        case let .cairo(m): return "figure export failed (cairo): \(m)"
        }
    }
}

/// The axis-aligned box (in figure units, origin top-left) that one drawn text occupies.
public struct TextBox: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var minX: Double, minY: Double, maxX: Double, maxY: Double
    public var description: String {
        String(format: "\"%@\" [%.1f, %.1f]×[%.1f, %.1f]", text, minX, maxX, minY, maxY)
    }
}

/// A figure drawn through Cairo: the file bytes, the figure size in units (1 unit = 1 CSS px =
/// 0.75 pt), and the box of every text that was drawn (for the "nothing is cut off" check).
public struct RenderedFigure: Sendable {
    public var bytes: [UInt8]
    public var width: Double
    public var height: Double
    public var textBoxes: [TextBox]
}

/// The sans-serif face every exported figure uses (Debian fonts-dejavu-core; DejaVu Sans has
/// Greek, primes, sub/superscript digits, ∞, ±, × and the arrows the labels use).
let figureFontFamily = "DejaVu Sans"

/// Receives Cairo's output stream (SVG/PDF bytes).
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// Cairo's stream callback: appends `length` bytes at `data` to the `ByteSink` in `closure`.
private let cairoWriteToSink: cairo_write_func_t = { closure, data, length in
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    // Bounds: Cairo guarantees `data` points at `length` readable bytes for this call.
    if let data, length > 0 { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length))) }
    return CAIRO_STATUS_SUCCESS
}

/// A thin drawing layer over a Cairo context: text with `_{…}`/`^{…}` sub/superscripts,
/// measured with Cairo's own font metrics, lines with dashes, filled shapes and markers.
/// Coordinates are figure units, y down.
final class CairoCanvas {
    let cr: OpaquePointer
    private let surface: OpaquePointer
    private(set) var textBoxes: [TextBox] = []

    /// A canvas that only measures (a 1×1 image surface; nothing is kept).
    static func measuring() throws -> CairoCanvas {
        guard let s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else { throw PlotExportError.cairo("no surface") }
        return try CairoCanvas(surface: s)
    }

    private init(surface: OpaquePointer) throws {
        let st = cairo_surface_status(surface)
        guard st == CAIRO_STATUS_SUCCESS, let c = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            throw PlotExportError.cairo(String(cString: cairo_status_to_string(st)))
        }
        self.surface = surface
        self.cr = c
        var opts = cairo_font_options_create()
        cairo_font_options_set_antialias(opts, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF) // same metrics in every format
        cairo_set_font_options(cr, opts)
        cairo_font_options_destroy(opts)
        opts = nil
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Draws a `width`×`height` figure with `draw` into `format` and returns the bytes.
    /// PNG is rasterised at `pixelScale` device pixels per unit; PDF uses 0.75 pt per unit.
    static func render(_ format: FigureFormat, width: Double, height: Double, pixelScale: Double = 2,
                       draw: (CairoCanvas) throws -> Void) throws -> RenderedFigure {
        let sink = ByteSink()
        let ctx = Unmanaged.passUnretained(sink).toOpaque()
        // Whole units, so the PNG's pixel grid ends exactly at the canvas edge.
        let w = max(1, min(20_000, width.isFinite ? width : 1).rounded(.up)), h = max(1, min(20_000, height.isFinite ? height : 1).rounded(.up))
        let surface: OpaquePointer?
        var scale = 1.0
        switch format {
        case .png:
            scale = pixelScale
            surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(min(30_000, (w * scale).rounded(.up))),
                                                 Int32(min(30_000, (h * scale).rounded(.up))))
        case .svg:
            surface = cairo_svg_surface_create_for_stream(cairoWriteToSink, ctx, w, h)
            if let surface { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX) }
        case .pdf:
            scale = 0.75
            surface = cairo_pdf_surface_create_for_stream(cairoWriteToSink, ctx, w * scale, h * scale)
            if let surface {
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "entk")
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
            }
        }
        guard let surface else { throw PlotExportError.cairo("cannot create a \(format.rawValue) surface") }
        let canvas = try CairoCanvas(surface: surface)
        cairo_scale(canvas.cr, scale, scale)
        canvas.setColor(.white)
        cairo_paint(canvas.cr)
        try draw(canvas)
        cairo_show_page(canvas.cr)
        if format == .png {
            cairo_surface_flush(surface)
            sink.bytes = try PNGCodec.encode(raster(of: surface))
        } else {
            cairo_surface_finish(surface)
        }
        let st = cairo_surface_status(surface)
        guard st == CAIRO_STATUS_SUCCESS else { throw PlotExportError.cairo(String(cString: cairo_status_to_string(st))) }
        return withExtendedLifetime(canvas) { RenderedFigure(bytes: sink.bytes, width: w, height: h, textBoxes: canvas.textBoxes) }
    }

    /// The pixels of a flushed `CAIRO_FORMAT_RGB24` image surface as an 8-bit RGB image.
    static func raster(of surface: OpaquePointer) throws -> RasterImage {
        let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard cairo_image_surface_get_format(surface) == CAIRO_FORMAT_RGB24, w > 0, h > 0, stride >= 4 * w,
              let data = cairo_image_surface_get_data(surface) else {
            throw PlotExportError.cairo("the PNG surface holds no RGB24 pixels")
        }
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            // Bounds: cairo owns h × stride bytes with stride ≥ 4·w (checked above), so the UInt32
            // at byte offset i·stride + 4·j (i < h, j < w) lies inside; RGB24 keeps 0x00RRGGBB in
            // native byte order, which is what a UInt32 load reads. `out` has 3·w·h bytes and
            // o + 2 = 3(i·w + j) + 2 ≤ 3·w·h − 1.
            for i in 0..<h {
                let row = UnsafeRawPointer(data + i * stride)
                for j in 0..<w {
                    let v = row.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self)
                    let o = 3 * (i * w + j)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                }
            }
        }
        return try RasterImage(width: w, height: h, channels: 3, pixels: pixels)
    }

    // MARK: shapes

    func setColor(_ c: RGB, alpha: Double = 1) {
        cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, alpha)
    }

    func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: RGB, alpha: Double = 1) {
        setColor(c, alpha: alpha)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    func strokeRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: RGB, width: Double) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, x, y, w, h)
        cairo_stroke(cr)
    }

    /// A polyline; `dash` is the on/off pattern in units (empty = solid).
    func polyline(_ pts: [(Double, Double)], _ c: RGB, width: Double, dash: [Double] = [], alpha: Double = 1) {
        guard pts.count >= 2 else { return }
        setColor(c, alpha: alpha)
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, dash.isEmpty ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        cairo_move_to(cr, pts[0].0, pts[0].1)
        for p in pts.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ c: RGB, width: Double) {
        polyline([(x1, y1), (x2, y2)], c, width: width)
    }

    /// A filled polygon (error bands).
    func fillPolygon(_ pts: [(Double, Double)], _ c: RGB, alpha: Double) {
        guard pts.count >= 3 else { return }
        setColor(c, alpha: alpha)
        cairo_move_to(cr, pts[0].0, pts[0].1)
        for p in pts.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_close_path(cr)
        cairo_fill(cr)
    }

    /// A marker of radius `r` filled with `c` and edged in white, so crossing lines and
    /// neighbouring markers stay visible.
    /// `hollow` draws only the outline (scatter series over a line: the point beneath stays visible).
    func marker(_ shape: MarkerShape, _ x: Double, _ y: Double, r: Double, _ c: RGB, hollow: Bool = false) {
        switch shape {
        case .circle: cairo_new_path(cr); cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
        case .square: cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r)
        case .triangle:
            cairo_move_to(cr, x, y - 1.15 * r); cairo_line_to(cr, x + r, y + 0.75 * r); cairo_line_to(cr, x - r, y + 0.75 * r); cairo_close_path(cr)
        case .diamond:
            cairo_move_to(cr, x, y - 1.2 * r); cairo_line_to(cr, x + r, y); cairo_line_to(cr, x, y + 1.2 * r); cairo_line_to(cr, x - r, y); cairo_close_path(cr)
        case .cross, .plus:
            let d = shape == .cross ? r * 0.8 : r
            let segs: [((Double, Double), (Double, Double))] = shape == .cross
                ? [((x - d, y - d), (x + d, y + d)), ((x - d, y + d), (x + d, y - d))]
                : [((x - d, y), (x + d, y)), ((x, y - d), (x, y + d))]
            for (w, col) in [(3.6, RGB.white), (2.0, c)] {
                setColor(col); cairo_set_line_width(cr, w); cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
                for (a, b) in segs { cairo_move_to(cr, a.0, a.1); cairo_line_to(cr, b.0, b.1) }
                cairo_stroke(cr)
            }
            return
        }
        if hollow {
            setColor(c)
            cairo_set_line_width(cr, 1.8)
            cairo_stroke(cr)
            return
        }
        setColor(c)
        cairo_fill_preserve(cr)
        setColor(.white)
        cairo_set_line_width(cr, 1)
        cairo_stroke(cr)
    }

    /// Draws `image` scaled to the rectangle with nearest-neighbour sampling (heatmaps: each
    /// matrix entry stays a sharp square in PNG, SVG and PDF). Alpha is ignored; gray is drawn grey.
    func image(_ image: RasterImage, x: Double, y: Double, width: Double, height: Double) throws {
        let base = image.droppingAlpha
        let cols = base.width, rows = base.height, ch = base.channels
        guard let img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(cols), Int32(rows)) else { return }
        defer { cairo_surface_destroy(img) }
        guard cairo_surface_status(img) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(img) else {
            throw PlotExportError.cairo("cannot allocate a \(cols)×\(rows) image")
        }
        let stride = Int(cairo_image_surface_get_stride(img))
        cairo_surface_flush(img)
        let g = ch == 3 ? 1 : 0, b = ch == 3 ? 2 : 0
        base.pixels.withUnsafeBufferPointer { px in
            // Bounds: cairo allocated rows × stride bytes with stride ≥ 4·cols, so the UInt32 at
            // byte offset i·stride + 4·j (j < cols, i < rows) lies inside; RGB24 stores 0x00RRGGBB
            // in native byte order, which is what a UInt32 store writes. RasterImage guarantees
            // rows·cols·ch pixel bytes (ch = 1 or 3 after dropping alpha), so o + b < rows·cols·ch.
            for i in 0..<rows {
                let row = UnsafeMutableRawPointer(data + i * stride)
                for j in 0..<cols {
                    let o = (i * cols + j) * ch
                    row.storeBytes(of: UInt32(px[o]) << 16 | UInt32(px[o + g]) << 8 | UInt32(px[o + b]), toByteOffset: 4 * j, as: UInt32.self)
                }
            }
        }
        cairo_surface_mark_dirty(img)
        cairo_save(cr)
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, width / Double(cols), height / Double(rows))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    func clip(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_save(cr)
        cairo_rectangle(cr, x, y, w, h)
        cairo_clip(cr)
    }

    func unclip() { cairo_restore(cr) }

    // MARK: text

    /// One piece of a label: normal, subscript or superscript.
    struct Run { var text: String; var shift: Int } // shift: 0 normal, -1 sub, +1 sup

    /// Splits `_{…}` (subscript) and `^{…}` (superscript) out of a label; everything else,
    /// including lone `_` and `^`, is literal text.
    static func runs(_ s: String) -> [Run] {
        var out: [Run] = []
        var cur = ""
        var chars = Array(s)
        // A hyphen used as a minus sign (after a space, "(", "=" or at the start, before a
        // digit) is typeset as the minus sign U+2212.
        for i in chars.indices where chars[i] == "-" && i + 1 < chars.count && chars[i + 1].isNumber
            && (i == 0 || [" ", "(", "=", ","].contains(chars[i - 1])) {
            chars[i] = "−"
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "_" || c == "^"), i + 1 < chars.count, chars[i + 1] == "{",
               let close = chars[(i + 2)...].firstIndex(of: "}") {
                if !cur.isEmpty { out.append(Run(text: cur, shift: 0)); cur = "" }
                out.append(Run(text: String(chars[(i + 2)..<close]), shift: c == "_" ? -1 : 1))
                i = close + 1
                continue
            }
            cur.append(c)
            i += 1
        }
        if !cur.isEmpty || out.isEmpty { out.append(Run(text: cur, shift: 0)) }
        return out
    }

    /// The text without markup (for boxes and CSV-free places).
    static func plain(_ s: String) -> String { runs(s).map(\.text).joined() }

    private func setFont(size: Double, bold: Bool) {
        cairo_select_font_face(cr, figureFontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    private func advance(_ s: String) -> Double {
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.x_advance
    }

    /// Width of a label at `size` (sum of the runs' advances), and the ascent/descent of the
    /// font including sub/superscript offsets.
    func measure(_ s: String, size: Double, bold: Bool = false) -> (width: Double, ascent: Double, descent: Double) {
        var w = 0.0
        var hasSup = false, hasSub = false
        for r in Self.runs(s) {
            setFont(size: r.shift == 0 ? size : size * 0.7, bold: bold)
            w += advance(r.text)
            if r.shift > 0 { hasSup = true } else if r.shift < 0 { hasSub = true }
        }
        setFont(size: size, bold: bold)
        var fe = cairo_font_extents_t()
        cairo_font_extents(cr, &fe)
        return (w, fe.ascent + (hasSup ? 0.2 * size : 0), fe.descent + (hasSub ? 0.2 * size : 0))
    }

    /// Draws a label with its baseline at (x, y), anchored by `anchor`, optionally rotated
    /// by −90° (reading upwards; then x is the baseline and y the anchor position).
    func text(_ s: String, x: Double, y: Double, size: Double, color: RGB = RGB(25, 25, 25), anchor: TextAnchor = .start,
              bold: Bool = false, vertical: Bool = false) {
        let m = measure(s, size: size, bold: bold)
        let off: Double = anchor == .start ? 0 : anchor == .middle ? -m.width / 2 : -m.width
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if vertical { cairo_rotate(cr, -Double.pi / 2) }
        setColor(color)
        var pen = off
        for r in Self.runs(s) {
            let sz = r.shift == 0 ? size : size * 0.7
            setFont(size: sz, bold: bold)
            let dy = r.shift < 0 ? 0.2 * size : r.shift > 0 ? -0.38 * size : 0
            cairo_move_to(cr, pen, dy)
            cairo_show_text(cr, r.text)
            pen += advance(r.text)
        }
        cairo_restore(cr)
        let (a0, a1, b0, b1) = (off, off + m.width, -m.ascent, m.descent) // along, across (y down)
        let box = vertical
            ? TextBox(text: Self.plain(s), minX: x + b0, minY: y - a1, maxX: x + b1, maxY: y - a0)
            : TextBox(text: Self.plain(s), minX: x + a0, minY: y + b0, maxX: x + a1, maxY: y + b1)
        textBoxes.append(box)
    }

    /// Greedy word wrap of `s` into lines no wider than `maxWidth` at `size`; a single word
    /// wider than that is broken between characters. Never drops text.
    func wrap(_ s: String, maxWidth: Double, size: Double, bold: Bool = false) -> [String] {
        guard maxWidth > 0 else { return [s] }
        var lines: [String] = []
        var cur = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let cand = cur.isEmpty ? word : cur + " " + word
            if measure(cand, size: size, bold: bold).width <= maxWidth { cur = cand; continue }
            if !cur.isEmpty { lines.append(cur); cur = "" }
            if measure(word, size: size, bold: bold).width <= maxWidth { cur = word; continue }
            // Break an over-long word between characters (keeping `_{…}` groups whole).
            var piece = ""
            for r in Self.runs(word) {
                let unit: [String] = r.shift == 0 ? r.text.map { String($0) } : [(r.shift < 0 ? "_{" : "^{") + r.text + "}"]
                for u in unit {
                    if !piece.isEmpty && measure(piece + u, size: size, bold: bold).width > maxWidth { lines.append(piece); piece = "" }
                    piece += u
                }
            }
            cur = piece
        }
        if !cur.isEmpty || lines.isEmpty { lines.append(cur) }
        return lines
    }

    /// The largest size in `sizes` (descending) at which `s` wraps into at most `maxLines`
    /// lines of `maxWidth`; at the smallest size the text wraps into as many lines as it needs.
    func fit(_ s: String, maxWidth: Double, sizes: [Double], maxLines: Int, bold: Bool = false) -> (lines: [String], size: Double) {
        for sz in sizes {
            let l = wrap(s, maxWidth: maxWidth, size: sz, bold: bold)
            if l.count <= maxLines { return (l, sz) }
        }
        let sz = sizes.last ?? 10
        return (wrap(s, maxWidth: maxWidth, size: sz, bold: bold), sz)
    }

    /// Line height for `size`.
    static func lineHeight(_ size: Double) -> Double { size * 1.25 }

    /// Height of a block of `lines` (each line's measured ascent + descent, plus spacing).
    func linesHeight(_ lines: [String], size: Double, bold: Bool = false) -> Double {
        guard !lines.isEmpty else { return 0 }
        return lines.map { let m = measure($0, size: size, bold: bold); return m.ascent + m.descent }.reduce(0, +)
            + 0.12 * size * Double(lines.count - 1)
    }

    /// Draws `lines` as a block starting at `top` (for vertical text: at x = `top`, reading
    /// upwards, lines going right), anchored at `at` across; returns where the block ends.
    @discardableResult
    func drawLines(_ lines: [String], at: Double, top: Double, size: Double, color: RGB = RGB(25, 25, 25),
                   anchor: TextAnchor = .middle, bold: Bool = false, vertical: Bool = false) -> Double {
        var pos = top
        for (k, line) in lines.enumerated() {
            let m = measure(line, size: size, bold: bold)
            pos += m.ascent
            if vertical { text(line, x: pos, y: at, size: size, color: color, anchor: anchor, bold: bold, vertical: true) }
            else { text(line, x: at, y: pos, size: size, color: color, anchor: anchor, bold: bold) }
            pos += m.descent + (k + 1 < lines.count ? 0.12 * size : 0)
        }
        return pos
    }
}
