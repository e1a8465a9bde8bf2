import Foundation

/// A heatmap of a row-major matrix — the main view of a kernel matrix.
///
/// In a terminal each cell shows two vertically stacked pixels with the upper half block
/// `▀` (foreground = upper pixel, background = lower pixel), which gives roughly square
/// pixels. Without colour or Unicode the shade ramp ` ░▒▓█` (or ` .:-=+*#%@`) is used, one
/// value per cell. Larger matrices are block-averaged and the factor is stated in the title.
public struct HeatmapFigure: Sendable {
    public var matrix: [Double]
    public var rows: Int
    public var cols: Int
    public var title: String
    public var colormap: Colormap
    public var normalization: Normalization
    /// Index boundaries between classes/blocks (an entry `b` draws a line between index
    /// b-1 and b), applied to rows and, for square matrices, to columns.
    public var separators: [Int]
    /// Optional column separators for non-square matrices (defaults to `separators`).
    public var columnSeparators: [Int]?
    public var xLabel: String?
    public var yLabel: String?
    /// What the values are ("Θ", "K"): labels the colour bar of exported figures.
    public var quantity: String?
    /// Names of the row blocks (one per block between `separators`, e.g. "r = 0" … for the
    /// (r, r′) blocks, or class names); drawn instead of index ticks in exported figures.
    public var rowBlockLabels: [String]?
    /// Names of the column blocks (defaults to `rowBlockLabels` for square matrices).
    public var columnBlockLabels: [String]?
    /// Set when NaN entries mean "not computed yet" (a Gram filling in tile by tile): they are
    /// drawn as a dim hatch `╱` instead of the NaN colour, and the legend names them with this
    /// text (e.g. "missing").
    public var missingLabel: String?

    /// `matrix.count` must be `rows * cols`; missing entries are treated as NaN and extra
    /// entries ignored, so a malformed input shows up visibly instead of crashing.
    public init(matrix: [Double], rows: Int, cols: Int, title: String = "",
                colormap: Colormap = .viridis, normalization: Normalization = .linear,
                separators: [Int] = [], columnSeparators: [Int]? = nil,
                xLabel: String? = nil, yLabel: String? = nil, quantity: String? = nil,
                rowBlockLabels: [String]? = nil, columnBlockLabels: [String]? = nil) {
        let r = max(0, rows), c = max(0, cols)
        var m = Array(matrix.prefix(r * c))
        if m.count < r * c { m += Array(repeating: .nan, count: r * c - m.count) }
        self.matrix = m; self.rows = r; self.cols = c
        self.title = title; self.colormap = colormap; self.normalization = normalization
        self.separators = separators; self.columnSeparators = columnSeparators
        self.xLabel = xLabel; self.yLabel = yLabel
        self.quantity = quantity; self.rowBlockLabels = rowBlockLabels; self.columnBlockLabels = columnBlockLabels
    }

    /// The colour scale resolved for this matrix.
    public var scale: ValueScale {
        ValueScale(values: matrix, normalization: normalization, diverging: colormap.isDiverging)
    }

    var colSeparators: [Int] { columnSeparators ?? (rows == cols ? separators : []) }

    /// Title with the downsampling factor appended when f > 1.
    func displayTitle(factor f: Int, unicode: Bool) -> String {
        guard f > 1 else { return title }
        let note = unicode ? "[\(f)×\(f) block mean]" : "[\(f)x\(f) block mean]"
        return title.isEmpty ? note : title + " " + note
    }

    // MARK: terminal rendering

    /// Renders into a fresh `width`×`height` buffer.
    public func render(width: Int, height: Int, options: RenderOptions = .rich) -> CellBuffer {
        var buf = CellBuffer(width: width, height: height)
        render(into: &buf, area: buf.area, options: options)
        return buf
    }

    /// Renders into `area` of an existing buffer (used by screens composing several views).
    public func render(into buf: inout CellBuffer, area: Rect, options: RenderOptions = .rich) {
        buf.fill(area)
        guard area.width >= 4, area.height >= 3, rows > 0, cols > 0 else {
            buf.put(rows == 0 || cols == 0 ? "(empty)" : (options.unicode ? "…" : "~"), x: area.x, y: area.y, clip: area)
            return
        }
        let sc = scale
        let shade = options.usesShadeRamp
        let pxPerCellY = shade ? 1 : 2

        // Layout: title row, x-axis row (+ label row), row-index gutter, colorbar at the right.
        let lo = NumberFormat.compact(sc.low), hi = NumberFormat.compact(sc.high)
        let normLabel = sc.normalization.label
        let barLabelW = max(lo.count, hi.count, normLabel.count)
        let showBar = area.width >= 24
        let barW = showBar ? 3 + barLabelW : 0
        let yLabelW = (yLabel != nil && area.height >= 8) ? 2 : 0
        let gutter = yLabelW + String(rows - 1).count + 1
        let bottomRows = (xLabel != nil && area.height >= 8) ? 2 : 1
        let mapArea = Rect(x: area.x + gutter, y: area.y + 1,
                           width: area.width - gutter - barW, height: area.height - 1 - bottomRows)
        guard mapArea.width >= 1, mapArea.height >= 1 else { return }

        // Fit: downsample by an integer factor, or upscale by an integer factor. Separators
        // get their own pixel row/column so they never hide data, and downsampling averages
        // within the blocks between separators only, so the block structure survives every
        // size at which one pixel per block fits; below that the separators are dropped.
        var rowSeps = Set(separators.filter { $0 > 0 && $0 < rows }).sorted()
        var colSeps = Set(colSeparators.filter { $0 > 0 && $0 < cols }).sorted()
        let maxPxX = mapArea.width, maxPxY = mapArea.height * pxPerCellY
        let f: Int
        if let fs = BlockAwareDownsample.factor(rows: rows, cols: cols, rowSeparators: rowSeps, colSeparators: colSeps,
                                                maxRows: maxPxY, maxCols: maxPxX) {
            f = fs
        } else {
            rowSeps = []; colSeps = []
            f = Downsample.factor(rows: rows, cols: cols, maxRows: maxPxY, maxCols: maxPxX)
        }
        let rowAxis = BlockAwareDownsample.axis(count: rows, separators: rowSeps, factor: f)
        let colAxis = BlockAwareDownsample.axis(count: cols, separators: colSeps, factor: f)
        let ds = (values: f > 1 ? BlockAwareDownsample.mean(matrix, rows: rows, cols: cols, rowAxis: rowAxis, colAxis: colAxis) : matrix,
                  rows: rowAxis.groups.count, cols: colAxis.groups.count)
        let availX = maxPxX - colSeps.count, availY = maxPxY - rowSeps.count
        let up = max(1, min(availX / max(1, ds.cols), availY / max(1, ds.rows)))
        let xMap = HeatmapFigure.displayMap(colAxis, upscale: up)
        let yMap = HeatmapFigure.displayMap(rowAxis, upscale: up)
        let pxW = min(xMap.count, maxPxX), pxH = min(yMap.count, maxPxY)

        // Title.
        buf.put(fit(displayTitle(factor: f, unicode: options.unicode), area.width, unicode: options.unicode), x: area.x, y: area.y, style: .bold, clip: area)

        /// Unit value of display pixel (px, py); nil for a separator pixel.
        func unitAt(_ px: Int, _ py: Int) -> Double? {
            let i = yMap[py], j = xMap[px]
            guard i >= 0, j >= 0 else { return nil }
            return sc.unit(ds.values[i * ds.cols + j])
        }
        let sepColor = colormap.isDiverging ? RGB(40, 40, 40) : RGB.white
        let cellRows = (pxH + pxPerCellY - 1) / pxPerCellY
        for cy in 0..<min(cellRows, mapArea.height) {
            for cx in 0..<pxW {
                let x = mapArea.x + cx, y = mapArea.y + cy
                if shade {
                    let rowSep = yMap[cy] < 0, colSep = xMap[cx] < 0
                    if rowSep || colSep {
                        let g: Character = rowSep && colSep ? (options.unicode ? "┼" : "+")
                            : rowSep ? (options.unicode ? "─" : "-") : (options.unicode ? "│" : "|")
                        buf[x, y] = Cell(g, dim: true)
                        continue
                    }
                    let t = unitAt(cx, cy) ?? .nan
                    if t.isNaN && missingLabel != nil { buf[x, y] = Cell(hatch(options.unicode), dim: true); continue }
                    var cell = Cell(shadeGlyph(t, unicode: options.unicode))
                    if options.colorMode != .none && !t.isNaN { cell.fg = colormap.color(at: t) }
                    buf[x, y] = cell
                } else {
                    let ut = unitAt(cx, 2 * cy), ub: Double? = 2 * cy + 1 < pxH ? unitAt(cx, 2 * cy + 1) : nil
                    if missingLabel != nil, ut?.isNaN == true, ub?.isNaN ?? true {
                        buf[x, y] = Cell(hatch(true), fg: HeatmapFigure.hatchColor, bg: HeatmapFigure.missingColor); continue
                    }
                    func color(_ u: Double) -> RGB { u.isNaN && missingLabel != nil ? HeatmapFigure.missingColor : colormap.color(at: u) }
                    let top = ut.map(color) ?? sepColor
                    let bottom: RGB? = 2 * cy + 1 < pxH ? (ub.map(color) ?? sepColor) : nil
                    buf[x, y] = Cell("▀", fg: top, bg: bottom)
                }
            }
        }

        // Row indices (first/last) in the gutter, column indices under the map.
        let lastRowY = mapArea.y + max(0, min(cellRows, mapArea.height) - 1)
        let idxW = gutter - yLabelW - 1
        buf.put(pad("0", idxW), x: area.x + yLabelW, y: mapArea.y, style: .dim, clip: area)
        if lastRowY > mapArea.y { buf.put(pad(String(rows - 1), idxW), x: area.x + yLabelW, y: lastRowY, style: .dim, clip: area) }
        let axisY = mapArea.y + min(cellRows, mapArea.height)
        buf.put("0", x: mapArea.x, y: axisY, style: .dim, clip: area)
        let lastCol = String(cols - 1)
        let usedW = pxW
        if usedW > lastCol.count + 2 { buf.put(lastCol, x: mapArea.x + usedW - lastCol.count, y: axisY, style: .dim, clip: area) }
        if let xl = xLabel, bottomRows == 2 {
            let s = fit(xl, usedW, unicode: options.unicode)
            buf.put(s, x: mapArea.x + max(0, (usedW - s.count) / 2), y: axisY + 1, clip: area)
        }
        if let yl = yLabel, yLabelW > 0 {
            let chars = Array(yl.prefix(mapArea.height))
            let y0 = mapArea.y + max(0, (min(cellRows, mapArea.height) - chars.count) / 2)
            for (i, ch) in chars.enumerated() { buf[area.x, y0 + i] = Cell(ch) }
        }

        if showBar {
            drawColorbar(into: &buf, area: area, x: area.maxX - barW + 1, barH: max(1, min(cellRows, mapArea.height)), top: mapArea.y,
                         axisY: axisY, labels: (hi, lo, normLabel), centered: sc.centered, shade: shade, options: options)
        }
    }

    /// Colorbar: high at the top, low at the bottom, normalisation in the middle; the legend for
    /// NaN (or missing) entries on the axis row.
    private func drawColorbar(into buf: inout CellBuffer, area: Rect, x bx: Int, barH: Int, top: Int, axisY: Int,
                              labels: (hi: String, lo: String, norm: String), centered: Bool, shade: Bool, options: RenderOptions) {
        for i in 0..<barH {
            let tTop: Double, tBot: Double
            if shade {
                tTop = barH == 1 ? 1 : 1 - Double(i) / Double(barH - 1)
                let g = shadeGlyph(tTop, unicode: options.unicode)
                let fg = options.colorMode == .none ? nil : colormap.color(at: tTop)
                buf[bx, top + i] = Cell(g, fg: fg)
            } else {
                let n = Double(2 * barH - 1)
                tTop = 1 - Double(2 * i) / max(1, n); tBot = 1 - Double(2 * i + 1) / max(1, n)
                buf[bx, top + i] = Cell("▀", fg: colormap.color(at: tTop), bg: colormap.color(at: tBot))
            }
        }
        let lx = bx + 2
        buf.put(labels.hi, x: lx, y: top, clip: area)
        if barH > 1 { buf.put(labels.lo, x: lx, y: top + barH - 1, clip: area) }
        if barH > 2 {
            let mid = top + barH / 2
            buf.put(labels.norm, x: lx, y: mid, style: .dim, clip: area)
            if centered && barH > 4 { buf.put("0", x: lx, y: mid - 1, clip: area) }
        }
        if let label = missingLabel, matrix.contains(where: { $0.isNaN }) && axisY < area.maxY {
            buf[bx, axisY] = shade ? Cell(hatch(options.unicode), dim: true) : Cell(hatch(true), fg: HeatmapFigure.hatchColor, bg: HeatmapFigure.missingColor)
            buf.put(label, x: bx + 2, y: axisY, style: .dim, clip: area)
        } else if matrix.contains(where: { $0.isNaN }) && axisY < area.maxY {
            if shade { buf.put("? NaN", x: bx, y: axisY, style: .dim, clip: area) }
            else {
                buf[bx, axisY] = Cell("█", fg: colormap.nanColor)
                buf.put("NaN", x: bx + 2, y: axisY, style: .dim, clip: area)
            }
        }
    }

    /// Display pixels along one axis: each group index repeated `upscale` times, with -1
    /// inserted for a separator before a group that starts a new block.
    static func displayMap(_ axis: BlockAwareDownsample.Axis, upscale: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(axis.pixels * upscale)
        for k in axis.groups.indices {
            if axis.afterSeparator[k] { out.append(-1) }
            for _ in 0..<upscale { out.append(k) }
        }
        return out
    }

    /// Background and glyph colours of a missing (not yet computed) cell: dark and dim, apart
    /// from every colormap's ends.
    static let missingColor = RGB(38, 38, 38)
    static let hatchColor = RGB(110, 110, 110)
    func hatch(_ unicode: Bool) -> Character { unicode ? "╱" : "/" }

    /// Shade-ramp glyph for a unit value; NaN is `?`.
    func shadeGlyph(_ t: Double, unicode: Bool) -> Character {
        if t.isNaN { return "?" }
        let ramp: [Character] = unicode ? [" ", "░", "▒", "▓", "█"] : Array(" .:-=+*#%@")
        let i = min(ramp.count - 1, max(0, Int((t * Double(ramp.count)).rounded(.down))))
        return ramp[i]
    }


    /// The full-resolution matrix as CSV, one matrix row per line, no header.
    public func csv() -> String {
        var out = ""
        for i in 0..<rows {
            out += (0..<cols).map { CSV.number(matrix[i * cols + $0]) }.joined(separator: ",")
            out += "\n"
        }
        return out
    }
    /// Writes the CSV atomically.
    public func writeCSV(path: String) throws { try AtomicFile.write(csv(), to: path) }
}

/// Truncates `s` to `w` characters (with an ellipsis when cut).
func fit(_ s: String, _ w: Int, unicode: Bool = true) -> String {
    guard w > 0 else { return "" }
    if s.count <= w { return s }
    return String(s.prefix(max(0, w - 1))) + (unicode ? "…" : "~")
}

/// Right-aligns `s` in `w` characters.
func pad(_ s: String, _ w: Int) -> String {
    s.count >= w ? s : String(repeating: " ", count: w - s.count) + s
}
