import FileIO
import Foundation

/// Exported (Cairo) rendering of heatmaps: PNG, SVG and PDF from one drawing routine.
extension HeatmapFigure {
    /// The figure in `format`. At most `maxEntries` matrix entries per side are drawn
    /// (block-averaged beyond that, stated in the title).
    public func render(_ format: FigureFormat, maxEntries: Int = 512) throws -> RenderedFigure {
        let layout = try Layout(self, maxEntries: maxEntries, measure: CairoCanvas.measuring())
        return try CairoCanvas.render(format, width: layout.width, height: layout.height) { c in try draw(on: c, layout) }
    }

    public func pngData() throws -> [UInt8] { try render(.png).bytes }
    public func svg() throws -> String { String(decoding: try render(.svg, maxEntries: 256).bytes, as: UTF8.self) }
    public func pdfData() throws -> [UInt8] { try render(.pdf, maxEntries: 256).bytes }
    public func write(_ format: FigureFormat, path: String) throws {
        try AtomicFile.write(render(format, maxEntries: format == .png ? 512 : 256).bytes, to: path)
    }
    public func writePNG(path: String) throws { try write(.png, path: path) }
    public func writeSVG(path: String) throws { try write(.svg, path: path) }
    public func writePDF(path: String) throws { try write(.pdf, path: path) }

    /// Viridis for data of one sign; the diverging map (centred at 0) when the data have
    /// both signs to a visible degree (the smaller side above 2 % of the larger).
    public static func suggestedColormap(for values: [Double]) -> Colormap {
        var lo = 0.0, hi = 0.0
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        return lo < 0 && hi > 0 && min(-lo, hi) > 0.02 * max(-lo, hi) ? .diverging : .viridis
    }

    /// The colour-bar caption: the quantity and how values map to colours.
    var colorbarCaption: String {
        let q = quantity ?? "value"
        switch scale.normalization {
        case .linear: return colormap.isDiverging ? "\(q) (linear, centred at 0)" : "\(q) (linear)"
        case .log: return "\(q) (log scale)"
        case let .percentileClip(lo, hi):
            return "\(q) (linear, clipped to percentiles \(NumberFormat.compact(lo))–\(NumberFormat.compact(hi)))"
        }
    }

    /// Blocks along one axis: (start, end) index ranges between the separators.
    static func blocks(_ seps: [Int], count: Int) -> [(Int, Int)] {
        let cuts = [0] + Array(Set(seps.filter { $0 > 0 && $0 < count })).sorted() + [count]
        return zip(cuts, cuts.dropFirst()).map { ($0, $1) }
    }

    struct Layout {
        static let margin = 14.0, labelSize = 14.0, tickSize = 12.0, titleSizes = [16.0, 15, 14, 13, 12, 11]
        var width = 0.0, height = 0.0
        var factor = 1, dsRows = 0, dsCols = 0, values: [Double] = []
        var mapX = 0.0, mapY = 0.0, mapW = 0.0, mapH = 0.0
        var title: (lines: [String], size: Double) = ([], 0)
        var xLabel: (lines: [String], size: Double) = ([], 0)
        var yLabel: (lines: [String], size: Double) = ([], 0)
        var caption: (lines: [String], size: Double) = ([], 0)
        var rowTicks: [(Double, String)] = [], colTicks: [(Double, String)] = [] // position in entries, label
        var colTicksVertical = false
        var barTicks: [(Double, String)] = [] // unit position, label
        var barX = 0.0, barTickW = 0.0
        var hasNaN = false

        init(_ f: HeatmapFigure, maxEntries: Int, measure m: CairoCanvas) {
            let margin = Self.margin, lh = CairoCanvas.lineHeight
            let rows = max(1, f.rows), cols = max(1, f.cols)
            factor = Downsample.factor(rows: rows, cols: cols, maxRows: max(1, maxEntries), maxCols: max(1, maxEntries))
            let ds = Downsample.blockMean(f.rows * f.cols == 0 ? [.nan] : f.matrix, rows: rows, cols: cols, factor: factor)
            dsRows = ds.rows; dsCols = ds.cols; values = ds.values
            hasNaN = f.matrix.contains { $0.isNaN }
            // The map: 480 units on its long side, entries square.
            let cell = 480.0 / Double(max(dsRows, dsCols))
            mapW = cell * Double(dsCols); mapH = cell * Double(dsRows)

            // Row/column ticks: block labels centred on their blocks, else index ticks.
            let rowBlocks = HeatmapFigure.blocks(f.separators, count: rows)
            let colBlocks = HeatmapFigure.blocks(f.colSeparators, count: cols)
            if let rl = f.rowBlockLabels, rl.count == rowBlocks.count {
                rowTicks = zip(rowBlocks, rl).map { (Double($0.0 + $0.1) / 2, $1) }
            } else {
                rowTicks = Self.indexTicks(rows)
            }
            let cl = f.columnBlockLabels ?? (f.rows == f.cols ? f.rowBlockLabels : nil)
            if let cl, cl.count == colBlocks.count {
                colTicks = zip(colBlocks, cl).map { (Double($0.0 + $0.1) / 2, $1) }
                // Rotate column labels when neighbours would overlap.
                let blockW = mapW / Double(max(1, colBlocks.count))
                colTicksVertical = cl.contains { m.measure($0, size: Self.tickSize).width > blockW - 4 }
            } else {
                colTicks = Self.indexTicks(cols)
            }
            let rowTickW = rowTicks.map { m.measure($0.1, size: Self.tickSize).width }.max() ?? 0
            let colTickH = colTicksVertical ? (colTicks.map { m.measure($0.1, size: Self.tickSize).width }.max() ?? 0) : lh(Self.tickSize)

            yLabel = f.yLabel.map { m.fit($0, maxWidth: max(80, mapH), sizes: [Self.labelSize, 13, 12, 11], maxLines: 3) } ?? ([], 0)
            let yLabelW = yLabel.lines.isEmpty ? 0 : m.linesHeight(yLabel.lines, size: yLabel.size) + 6
            mapX = margin + yLabelW + rowTickW + 10

            // Colour bar: ticks in data space, caption along the bar.
            let sc = f.scale
            let axis = FigureAxis(Axis(scale: sc.normalization == .log ? .log : .linear, range: sc.low...max(sc.high, sc.low)),
                                  values: [], maxTicks: 6)
            barTicks = zip(axis.ticks, axis.labels).compactMap { v, l in
                let u = sc.unit(v)
                return u.isFinite && v >= min(sc.low, sc.high) - 1e-12 * abs(sc.high) && v <= sc.high + 1e-12 * abs(sc.high) ? (u, l) : nil
            }
            if barTicks.isEmpty || sc.high == sc.low {
                barTicks = [(0, NumberFormat.compact(sc.low))] + (sc.high > sc.low ? [(1, NumberFormat.compact(sc.high))] : [])
            }
            barTickW = barTicks.map { m.measure($0.1, size: Self.tickSize).width }.max() ?? 0
            barX = mapX + mapW + 18
            caption = m.fit(f.colorbarCaption + (axis.offsetText.map { " " + $0 } ?? ""), maxWidth: max(80, mapH),
                            sizes: [13, 12, 11, 10], maxLines: 3)
            let captionW = m.linesHeight(caption.lines, size: caption.size)
            width = barX + 18 + 6 + barTickW + 10 + captionW + margin

            // Title and x label wrap to the canvas width (the map's width for the x label).
            title = f.displayTitle(factor: factor, unicode: true).isEmpty ? ([], 0)
                : m.fit(f.displayTitle(factor: factor, unicode: true), maxWidth: max(width, 560) - 2 * margin,
                        sizes: Self.titleSizes, maxLines: 3, bold: true)
            let titleW = title.lines.map { m.measure($0, size: title.size, bold: true).width }.max() ?? 0
            width = max(width, titleW + 2 * margin)
            xLabel = f.xLabel.map { m.fit($0, maxWidth: max(80, mapW), sizes: [Self.labelSize, 13, 12, 11], maxLines: 3) } ?? ([], 0)
            let titleH = title.lines.isEmpty ? 0 : m.linesHeight(title.lines, size: title.size, bold: true) + 12
            mapY = margin + titleH
            let xLabelH = xLabel.lines.isEmpty ? 0 : m.linesHeight(xLabel.lines, size: xLabel.size) + 4
            height = mapY + mapH + 6 + colTickH + 6 + xLabelH + (hasNaN ? lh(Self.tickSize) + 4 : 0) + margin
        }

        /// About five index ticks at round numbers (0, 10, 20 … like matplotlib's imshow).
        static func indexTicks(_ n: Int) -> [(Double, String)] {
            guard n > 1 else { return [(0.5, "0")] }
            let step = max(1.0, FigureAxis.linearStep(0, Double(n - 1), bins: 5).rounded(.up))
            return Ticks.linear(low: 0, high: Double(n - 1), step: step).map { (($0 + 0.5), String(Int($0))) }
        }
    }

    func draw(on c: CairoCanvas, _ L: Layout) throws {
        let ink = RGB(25, 25, 25), lh = CairoCanvas.lineHeight
        let sc = scale
        c.drawLines(L.title.lines, at: L.width / 2, top: Layout.margin, size: L.title.size, color: ink, bold: true)
        // The matrix as an image (nearest-neighbour), then block separators on top.
        if let img = RasterImage.rgb(L.values.map { colormap.color(at: sc.unit($0)) }, width: L.dsCols, height: L.dsRows) {
            try c.image(img, x: L.mapX, y: L.mapY, width: L.mapW, height: L.mapH)
        }
        let sepColor = colormap.isDiverging ? RGB(40, 40, 40) : RGB.white
        let perRow = L.mapH / Double(max(1, rows)), perCol = L.mapW / Double(max(1, cols))
        for b in Set(separators).sorted() where b > 0 && b < rows {  // sorted: Set order varies per process
            c.line(L.mapX, L.mapY + Double(b) * perRow, L.mapX + L.mapW, L.mapY + Double(b) * perRow, sepColor, width: 1.2)
        }
        for b in Set(colSeparators).sorted() where b > 0 && b < cols {
            c.line(L.mapX + Double(b) * perCol, L.mapY, L.mapX + Double(b) * perCol, L.mapY + L.mapH, sepColor, width: 1.2)
        }
        c.strokeRect(L.mapX, L.mapY, L.mapW, L.mapH, RGB(60, 60, 60), width: 0.8)

        // Row and column ticks (block labels or indices).
        for (pos, label) in L.rowTicks {
            let y = L.mapY + pos * perRow
            c.line(L.mapX - 4, y, L.mapX, y, RGB(60, 60, 60), width: 0.8)
            c.text(label, x: L.mapX - 7, y: y + Layout.tickSize * 0.36, size: Layout.tickSize, color: ink, anchor: .end)
        }
        let axisY = L.mapY + L.mapH
        for (pos, label) in L.colTicks {
            let x = L.mapX + pos * perCol
            c.line(x, axisY, x, axisY + 4, RGB(60, 60, 60), width: 0.8)
            if L.colTicksVertical {
                c.text(label, x: x + Layout.tickSize * 0.36, y: axisY + 7, size: Layout.tickSize, color: ink, anchor: .end, vertical: true)
            } else {
                let w = c.measure(label, size: Layout.tickSize).width
                c.text(label, x: min(max(x, w / 2 + 2), L.width - w / 2 - 2), y: axisY + 6 + Layout.tickSize,
                       size: Layout.tickSize, color: ink, anchor: .middle)
            }
        }
        let colTickH = L.colTicksVertical ? (L.colTicks.map { c.measure($0.1, size: Layout.tickSize).width }.max() ?? 0) : lh(Layout.tickSize)
        let ly = c.drawLines(L.xLabel.lines, at: L.mapX + L.mapW / 2, top: axisY + 6 + colTickH + 4, size: L.xLabel.size, color: ink)
        c.drawLines(L.yLabel.lines, at: L.mapY + L.mapH / 2, top: Layout.margin, size: L.yLabel.size, color: ink, vertical: true)

        // Colour bar: a 1×256 image of the map, ticks in data space, caption along the bar.
        let steps = 256
        let bar = (0..<steps).map { colormap.color(at: 1 - Double($0) / Double(steps - 1)) }
        if let img = RasterImage.rgb(bar, width: 1, height: steps) {
            try c.image(img, x: L.barX, y: L.mapY, width: 18, height: L.mapH)
        }
        c.strokeRect(L.barX, L.mapY, 18, L.mapH, RGB(60, 60, 60), width: 0.8)
        for (u, label) in L.barTicks {
            let y = L.mapY + (1 - u) * L.mapH
            c.line(L.barX + 18, y, L.barX + 22, y, RGB(60, 60, 60), width: 0.8)
            c.text(label, x: L.barX + 25, y: y + Layout.tickSize * 0.36, size: Layout.tickSize, color: ink)
        }
        c.drawLines(L.caption.lines, at: L.mapY + L.mapH / 2, top: L.barX + 18 + 6 + L.barTickW + 10, size: L.caption.size,
                    color: ink, vertical: true)
        if L.hasNaN {
            let y = ly + 6
            c.fillRect(L.mapX, y, 12, 12, colormap.nanColor)
            c.text("NaN entries", x: L.mapX + 18, y: y + 10, size: Layout.tickSize, color: ink)
        }
    }
}
