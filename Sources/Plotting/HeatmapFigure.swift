import FileIO
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
        let frame = TerminalFrame(self, area: area, options: options)
        guard frame.mapArea.width >= 1, frame.mapArea.height >= 1 else { return }
        let grid = TerminalGrid(self, frame: frame)
        buf.put(fit(displayTitle(factor: grid.factor, unicode: options.unicode), area.width, unicode: options.unicode),
                x: area.x, y: area.y, style: .bold, clip: area)
        drawMap(into: &buf, frame, grid)
        drawIndices(into: &buf, frame, grid)
        if frame.showBar { drawColorbar(into: &buf, frame, grid) }
    }

    /// Where the parts of a terminal heatmap go: title row, x-axis row (+ label row), row-index
    /// gutter (+ vertical y label), the map, and the colour bar at the right.
    struct TerminalFrame {
        let area: Rect
        let options: RenderOptions
        let scale: ValueScale
        /// One value per cell with the shade ramp; two stacked pixels per cell with `▀`.
        let shade: Bool
        let pxPerCellY: Int
        let low: String, high: String, normLabel: String
        let showBar: Bool
        let barW: Int
        let yLabelW: Int
        let gutter: Int
        let bottomRows: Int
        let mapArea: Rect

        init(_ fig: HeatmapFigure, area: Rect, options: RenderOptions) {
            self.area = area; self.options = options
            scale = fig.scale
            shade = options.usesShadeRamp
            pxPerCellY = shade ? 1 : 2
            low = NumberFormat.compact(scale.low); high = NumberFormat.compact(scale.high)
            normLabel = scale.normalization.label
            showBar = area.width >= 24
            barW = showBar ? 3 + max(low.count, high.count, normLabel.count) : 0
            yLabelW = (fig.yLabel != nil && area.height >= 8) ? 2 : 0
            gutter = yLabelW + String(fig.rows - 1).count + 1
            bottomRows = (fig.xLabel != nil && area.height >= 8) ? 2 : 1
            mapArea = Rect(x: area.x + gutter, y: area.y + 1,
                           width: area.width - gutter - barW, height: area.height - 1 - bottomRows)
        }
    }

    /// The matrix fitted to the map's display pixels.
    ///
    /// Fit: downsample by an integer factor, or upscale by an integer factor. Separators get
    /// their own pixel row/column so they never hide data, and downsampling averages within the
    /// blocks between separators only, so the block structure survives every size at which one
    /// pixel per block fits; below that the separators are dropped.
    struct TerminalGrid {
        /// The block-mean factor (1 = full resolution).
        let factor: Int
        /// The (downsampled) values, row-major, `cols` per row.
        let values: [Double]
        let cols: Int
        /// Display pixel → value row/column (-1 for a separator pixel).
        let xMap: [Int], yMap: [Int]
        /// Display pixels used across and down.
        let pxW: Int, pxH: Int
        /// Cell rows the map occupies.
        let shownRows: Int

        init(_ fig: HeatmapFigure, frame: TerminalFrame) {
            var rowSeps = Set(fig.separators.filter { $0 > 0 && $0 < fig.rows }).sorted()
            var colSeps = Set(fig.colSeparators.filter { $0 > 0 && $0 < fig.cols }).sorted()
            let maxPxX = frame.mapArea.width, maxPxY = frame.mapArea.height * frame.pxPerCellY
            let f: Int
            if let fs = BlockAwareDownsample.factor(rows: fig.rows, cols: fig.cols, rowSeparators: rowSeps, colSeparators: colSeps,
                                                    maxRows: maxPxY, maxCols: maxPxX) {
                f = fs
            } else {
                rowSeps = []; colSeps = []
                f = Downsample.factor(rows: fig.rows, cols: fig.cols, maxRows: maxPxY, maxCols: maxPxX)
            }
            let rowAxis = BlockAwareDownsample.axis(count: fig.rows, separators: rowSeps, factor: f)
            let colAxis = BlockAwareDownsample.axis(count: fig.cols, separators: colSeps, factor: f)
            factor = f
            values = f > 1 ? BlockAwareDownsample.mean(fig.matrix, rows: fig.rows, cols: fig.cols, rowAxis: rowAxis, colAxis: colAxis) : fig.matrix
            cols = colAxis.groups.count
            let dsRows = rowAxis.groups.count
            let availX = maxPxX - colSeps.count, availY = maxPxY - rowSeps.count
            let up = max(1, min(availX / max(1, cols), availY / max(1, dsRows)))
            xMap = HeatmapFigure.displayMap(colAxis, upscale: up)
            yMap = HeatmapFigure.displayMap(rowAxis, upscale: up)
            pxW = min(xMap.count, maxPxX); pxH = min(yMap.count, maxPxY)
            shownRows = min((pxH + frame.pxPerCellY - 1) / frame.pxPerCellY, frame.mapArea.height)
        }

        /// Unit value of display pixel (px, py); nil for a separator pixel.
        func unit(_ px: Int, _ py: Int, _ scale: ValueScale) -> Double? {
            let i = yMap[py], j = xMap[px]
            guard i >= 0, j >= 0 else { return nil }
            return scale.unit(values[i * cols + j])
        }
    }

    /// The map itself: shade glyphs (one pixel per cell) or `▀` half blocks (two per cell).
    private func drawMap(into buf: inout CellBuffer, _ frame: TerminalFrame, _ grid: TerminalGrid) {
        let options = frame.options, sc = frame.scale
        let sepColor = colormap.isDiverging ? RGB(40, 40, 40) : RGB.white
        for cy in 0..<grid.shownRows {
            for cx in 0..<grid.pxW {
                let x = frame.mapArea.x + cx, y = frame.mapArea.y + cy
                if frame.shade {
                    let rowSep = grid.yMap[cy] < 0, colSep = grid.xMap[cx] < 0
                    if rowSep || colSep {
                        let g: Character = rowSep && colSep ? (options.unicode ? "┼" : "+")
                            : rowSep ? (options.unicode ? "─" : "-") : (options.unicode ? "│" : "|")
                        buf[x, y] = Cell(g, dim: true)
                        continue
                    }
                    let t = grid.unit(cx, cy, sc) ?? .nan
                    if t.isNaN && missingLabel != nil { buf[x, y] = Cell(hatch(options.unicode), dim: true); continue }
                    var cell = Cell(shadeGlyph(t, unicode: options.unicode))
                    if options.colorMode != .none && !t.isNaN { cell.fg = colormap.color(at: t) }
                    buf[x, y] = cell
                } else {
                    let ut = grid.unit(cx, 2 * cy, sc), ub: Double? = 2 * cy + 1 < grid.pxH ? grid.unit(cx, 2 * cy + 1, sc) : nil
                    if missingLabel != nil, ut?.isNaN == true, ub?.isNaN ?? true {
                        buf[x, y] = Cell(hatch(true), fg: HeatmapFigure.hatchColor, bg: HeatmapFigure.missingColor); continue
                    }
                    func color(_ u: Double) -> RGB { u.isNaN && missingLabel != nil ? HeatmapFigure.missingColor : colormap.color(at: u) }
                    let top = ut.map(color) ?? sepColor
                    let bottom: RGB? = 2 * cy + 1 < grid.pxH ? (ub.map(color) ?? sepColor) : nil
                    buf[x, y] = Cell("▀", fg: top, bg: bottom)
                }
            }
        }
    }

    /// Row indices (first/last) in the gutter, column indices under the map, and the axis labels.
    private func drawIndices(into buf: inout CellBuffer, _ frame: TerminalFrame, _ grid: TerminalGrid) {
        let area = frame.area, mapArea = frame.mapArea
        let lastRowY = mapArea.y + max(0, grid.shownRows - 1)
        let idxW = frame.gutter - frame.yLabelW - 1
        buf.put(pad("0", idxW), x: area.x + frame.yLabelW, y: mapArea.y, style: .dim, clip: area)
        if lastRowY > mapArea.y { buf.put(pad(String(rows - 1), idxW), x: area.x + frame.yLabelW, y: lastRowY, style: .dim, clip: area) }
        let axisY = mapArea.y + grid.shownRows
        buf.put("0", x: mapArea.x, y: axisY, style: .dim, clip: area)
        let lastCol = String(cols - 1)
        let usedW = grid.pxW
        if usedW > lastCol.count + 2 { buf.put(lastCol, x: mapArea.x + usedW - lastCol.count, y: axisY, style: .dim, clip: area) }
        if let xl = xLabel, frame.bottomRows == 2 {
            let s = fit(xl, usedW, unicode: frame.options.unicode)
            buf.put(s, x: mapArea.x + max(0, (usedW - s.count) / 2), y: axisY + 1, clip: area)
        }
        if let yl = yLabel, frame.yLabelW > 0 {
            let chars = Array(yl.prefix(mapArea.height))
            let y0 = mapArea.y + max(0, (grid.shownRows - chars.count) / 2)
            for (i, ch) in chars.enumerated() { buf[area.x, y0 + i] = Cell(ch) }
        }
    }

    /// Colorbar: high at the top, low at the bottom, normalisation in the middle, NaN key below.
    private func drawColorbar(into buf: inout CellBuffer, _ frame: TerminalFrame, _ grid: TerminalGrid) {
        let area = frame.area, mapArea = frame.mapArea, options = frame.options
        let bx = area.maxX - frame.barW + 1
        let barH = max(1, grid.shownRows)
        for i in 0..<barH {
            if frame.shade {
                let tTop = barH == 1 ? 1 : 1 - Double(i) / Double(barH - 1)
                let g = shadeGlyph(tTop, unicode: options.unicode)
                let fg = options.colorMode == .none ? nil : colormap.color(at: tTop)
                buf[bx, mapArea.y + i] = Cell(g, fg: fg)
            } else {
                let n = Double(2 * barH - 1)
                let tTop = 1 - Double(2 * i) / max(1, n), tBot = 1 - Double(2 * i + 1) / max(1, n)
                buf[bx, mapArea.y + i] = Cell("▀", fg: colormap.color(at: tTop), bg: colormap.color(at: tBot))
            }
        }
        let lx = bx + 2
        buf.put(frame.high, x: lx, y: mapArea.y, clip: area)
        if barH > 1 { buf.put(frame.low, x: lx, y: mapArea.y + barH - 1, clip: area) }
        if barH > 2 {
            let mid = mapArea.y + barH / 2
            buf.put(frame.normLabel, x: lx, y: mid, style: .dim, clip: area)
            if frame.scale.centered && barH > 4 { buf.put("0", x: lx, y: mid - 1, clip: area) }
        }
        let axisY = mapArea.y + grid.shownRows
        if let label = missingLabel, matrix.contains(where: { $0.isNaN }) && axisY < area.maxY {
            buf[bx, axisY] = frame.shade ? Cell(hatch(options.unicode), dim: true) : Cell(hatch(true), fg: HeatmapFigure.hatchColor, bg: HeatmapFigure.missingColor)
            buf.put(label, x: bx + 2, y: axisY, style: .dim, clip: area)
        } else if matrix.contains(where: { $0.isNaN }) && axisY < area.maxY {
            if frame.shade { buf.put("? NaN", x: bx, y: axisY, style: .dim, clip: area) }
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
