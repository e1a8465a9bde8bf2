import FileIO
import Foundation

/// Exported (Cairo) rendering of line plots: PNG, SVG and PDF from one drawing routine.
extension LinePlotFigure {
    /// Colours of exported line plots: Okabe–Ito (colour-blind safe) without its yellow, which
    /// is unreadable on white; one per group (model).
    public static let exportPalette: [RGB] = [
        RGB(hex: 0x0072B2), RGB(hex: 0xD55E00), RGB(hex: 0x009E73), RGB(hex: 0xCC79A7),
        RGB(hex: 0xE69F00), RGB(hex: 0x56B4E9), RGB(hex: 0x000000),
    ]

    /// Colour and marker per series: series of one `group` share both; groups in order of
    /// first appearance.
    public func exportStyles() -> [SeriesStyle] {
        var groups: [String] = []
        return series.enumerated().map { i, s in
            let key = s.group ?? "\u{1}#\(i)"
            let g: Int
            if let k = groups.firstIndex(of: key) { g = k } else { groups.append(key); g = groups.count - 1 }
            return SeriesStyle(color: Self.exportPalette[g % Self.exportPalette.count],
                               marker: MarkerShape.allCases[g % MarkerShape.allCases.count])
        }
    }

    /// The figure in `format`, `width` units wide (height grows when labels need it).
    public func render(_ format: FigureFormat, width: Double = 820, height: Double = 520) throws -> RenderedFigure {
        let layout = try Layout(self, width: width, height: height, measure: CairoCanvas.measuring())
        return try CairoCanvas.render(format, width: layout.width, height: layout.height) { c in draw(on: c, layout) }
    }

    public func pngData() throws -> [UInt8] { try render(.png).bytes }
    public func svg() throws -> String { String(decoding: try render(.svg).bytes, as: UTF8.self) }
    public func pdfData() throws -> [UInt8] { try render(.pdf).bytes }
    public func write(_ format: FigureFormat, path: String) throws { try AtomicFile.write(render(format).bytes, to: path) }
    public func writePNG(path: String) throws { try write(.png, path: path) }
    public func writeSVG(path: String) throws { try write(.svg, path: path) }
    public func writePDF(path: String) throws { try write(.pdf, path: path) }

    /// Sizes of the parts, all measured with the figure font.
    struct Layout {
        static let margin = 14.0, titleSizes = [17.0, 16, 15, 14, 13, 12, 11], labelSize = 14.0, tickSize = 12.5, legendSize = 12.5
        var width: Double, height: Double
        var title: (lines: [String], size: Double)
        var xLabel: (lines: [String], size: Double)
        var yLabel: (lines: [String], size: Double)
        var legend: [[String]]
        var legendWidth: Double
        var plotX: Double, plotY: Double, plotW: Double, plotH: Double
        var x: FigureAxis, y: FigureAxis

        /// Canvas x of axis unit `u` (0 = left edge of the plot, 1 = right edge).
        func X(_ u: Double) -> Double { plotX + u * plotW }
        /// Canvas y of axis unit `u` (0 = bottom of the plot, 1 = top; canvas y grows down).
        func Y(_ u: Double) -> Double { plotY + (1 - u) * plotH }

        init(_ f: LinePlotFigure, width w0: Double, height h0: Double, measure m: CairoCanvas) {
            let margin = Self.margin
            var width = max(320, w0), height = max(240, h0)
            let lh = CairoCanvas.lineHeight
            // Legend to the right of the plot (never over the data), names wrapped at 30 % of the width.
            let sample = 44.0
            let maxText = max(80, 0.30 * width - sample - 16)
            legend = f.series.map { m.wrap($0.name, maxWidth: maxText, size: Self.legendSize) }
            let textW = legend.flatMap { $0 }.map { m.measure($0, size: Self.legendSize).width }.max() ?? 0
            legendWidth = f.series.isEmpty ? 0 : sample + 8 + textW + 16
            let legendH = Double(legend.map(\.count).reduce(0, +)) * lh(Self.legendSize) + Double(legend.count) * 4 + 16
            // Title over the whole width.
            title = f.title.isEmpty ? ([], 0) : m.fit(f.title, maxWidth: width - 2 * margin, sizes: Self.titleSizes, maxLines: 3, bold: true)
            let titleH = title.lines.isEmpty ? 0 : m.linesHeight(title.lines, size: title.size, bold: true) + 10
            // y ticks depend on the plot height; start from the nominal one and settle in two passes.
            var plotH = height - 160
            var yAxis = FigureAxis(f.yAxis, values: f.allY, maxTicks: Int(plotH / 55))
            var xAxis = FigureAxis(f.xAxis, values: f.allX, maxTicks: 8)
            var xl: (lines: [String], size: Double) = ([], 0), yl: (lines: [String], size: Double) = ([], 0)
            var plotX = 0.0, plotW = 0.0, plotY = 0.0
            for _ in 0..<2 {
                yAxis = FigureAxis(f.yAxis, values: f.allY, maxTicks: max(3, Int(plotH / 55)))
                let yTickW = (yAxis.labels.map { m.measure($0, size: Self.tickSize).width }.max() ?? 0)
                yl = f.yAxis.label.isEmpty ? ([], 0) : m.fit(f.yAxis.label, maxWidth: max(60, plotH), sizes: [Self.labelSize, 13, 12, 11], maxLines: 3)
                let yLabelW = yl.lines.isEmpty ? 0 : m.linesHeight(yl.lines, size: yl.size) + 6
                plotX = margin + yLabelW + yTickW + 10
                plotW = max(120, width - plotX - margin - (legendWidth > 0 ? legendWidth + 12 : 0))
                xAxis = FigureAxis(f.xAxis, values: f.allX, maxTicks: max(3, Int(plotW / 90)))
                xl = f.xAxis.label.isEmpty ? ([], 0) : m.fit(f.xAxis.label, maxWidth: plotW, sizes: [Self.labelSize, 13, 12, 11], maxLines: 3)
                let xLabelH = xl.lines.isEmpty ? 0 : m.linesHeight(xl.lines, size: xl.size) + 6
                plotY = margin + titleH + (yAxis.offsetText == nil ? 4 : lh(Self.tickSize) + 4)
                let bottom = 6 + lh(Self.tickSize) + 6 + xLabelH + margin
                plotH = height - plotY - bottom
                let need = max(200, legendH)
                if plotH < need { height += need - plotH; plotH = need }
            }
            // The plot may not be narrower than its widest label needs: grow the canvas instead.
            if plotX + plotW + (legendWidth > 0 ? legendWidth + 12 : 0) + margin > width {
                width = plotX + plotW + (legendWidth > 0 ? legendWidth + 12 : 0) + margin
            }
            self.width = width; self.height = height
            xLabel = xl; yLabel = yl
            self.plotX = plotX; self.plotY = plotY; self.plotW = plotW; self.plotH = plotH
            x = xAxis; y = yAxis
        }
    }

    private static let ink = RGB(25, 25, 25), gridColor = RGB(228, 228, 228), spine = RGB(60, 60, 60)

    /// Title, axes, data (clipped to the plot area), frame and legend, in that order.
    func draw(on c: CairoCanvas, _ L: Layout) {
        // Title, centred on the canvas.
        c.drawLines(L.title.lines, at: L.width / 2, top: Layout.margin, size: L.title.size, color: Self.ink, bold: true)
        drawAxes(on: c, L)
        // Data, clipped to the plot area: error bands (or caps for scatter series) first, then
        // lines, then markers on top so nothing hides a data point.
        let styles = exportStyles()
        c.clip(L.plotX, L.plotY, L.plotW, L.plotH)
        drawErrors(on: c, L, styles)
        drawSeriesLines(on: c, L, styles)
        drawMarkers(on: c, L, styles)
        c.unclip()
        c.strokeRect(L.plotX, L.plotY, L.plotW, L.plotH, Self.spine, width: 1)
        drawLegend(on: c, L, styles)
    }

    /// Grid lines, major and minor ticks with their labels, offset texts and the axis labels.
    private func drawAxes(on c: CairoCanvas, _ L: Layout) {
        let ink = Self.ink, grid = Self.gridColor, spine = Self.spine
        let lh = CairoCanvas.lineHeight
        let (px, py, pw, ph) = (L.plotX, L.plotY, L.plotW, L.plotH)
        let X = L.X, Y = L.Y
        for v in L.y.minorTicks { if let u = L.y.unit(v), u >= 0, u <= 1 { c.line(px - 3, Y(u), px, Y(u), spine, width: 0.6) } }
        for v in L.x.minorTicks { if let u = L.x.unit(v), u >= 0, u <= 1 { c.line(X(u), py + ph, X(u), py + ph + 3, spine, width: 0.6) } }
        for (v, label) in zip(L.y.ticks, L.y.labels) {
            guard let u = L.y.unit(v), u >= -1e-9, u <= 1 + 1e-9 else { continue }
            c.line(px, Y(u), px + pw, Y(u), grid, width: 0.8)
            c.line(px - 5, Y(u), px, Y(u), spine, width: 0.9)
            c.text(label, x: px - 8, y: Y(u) + Layout.tickSize * 0.36, size: Layout.tickSize, color: ink, anchor: .end)
        }
        if let off = L.y.offsetText { c.text(off, x: px, y: py - 6, size: Layout.tickSize, color: ink) }
        for (v, _) in zip(L.x.ticks, L.x.labels) {
            guard let u = L.x.unit(v), u >= -1e-9, u <= 1 + 1e-9 else { continue }
            c.line(X(u), py, X(u), py + ph, grid, width: 0.8)
            c.line(X(u), py + ph, X(u), py + ph + 5, spine, width: 0.9)
        }
        for (v, label) in xTickLabels(on: c, L) {
            let u = L.x.unit(v) ?? 0
            let w = c.measure(label, size: Layout.tickSize).width
            let xc = min(max(X(u), w / 2 + 2), L.width - w / 2 - 2)
            c.text(label, x: xc, y: py + ph + 6 + Layout.tickSize, size: Layout.tickSize, color: ink, anchor: .middle)
        }
        if let off = L.x.offsetText { c.text(off, x: px + pw, y: py + ph + 6 + 2 * lh(Layout.tickSize), size: Layout.tickSize, color: ink, anchor: .end) }
        c.drawLines(L.xLabel.lines, at: px + pw / 2, top: py + ph + 6 + lh(Layout.tickSize) + 6, size: L.xLabel.size, color: ink)
        c.drawLines(L.yLabel.lines, at: py + ph / 2, top: Layout.margin, size: L.yLabel.size, color: ink, vertical: true)
    }

    /// The x tick labels inside the axis, every other one dropped while neighbours would overlap.
    private func xTickLabels(on c: CairoCanvas, _ L: Layout) -> [(Double, String)] {
        var xt = Array(zip(L.x.ticks, L.x.labels)).filter { L.x.unit($0.0).map { $0 >= -1e-9 && $0 <= 1 + 1e-9 } ?? false }
        while xt.count > 2 {
            let spans = xt.map { t -> (Double, Double) in
                let w = c.measure(t.1, size: Layout.tickSize).width
                let xc = L.X(L.x.unit(t.0) ?? 0)
                return (xc - w / 2, xc + w / 2)
            }
            if zip(spans, spans.dropFirst()).allSatisfy({ $0.1 + 8 <= $1.0 }) { break }
            xt = stride(from: 0, to: xt.count, by: 2).map { xt[$0] }
        }
        return xt
    }

    /// Keeps coordinates of far-away points finite and small for Cairo's fixed-point paths.
    private static func clampU(_ u: Double) -> Double { min(50, max(-50, u)) }

    /// Point `i` of `s` in axis units (nil where an axis cannot show it, e.g. ≤ 0 on a log axis).
    private func unitPoint(_ s: Series, _ i: Int, _ L: Layout) -> (Double, Double)? {
        guard let ux = L.x.unit(s.xs[i]), let uy = L.y.unit(s.ys[i]) else { return nil }
        return (ux, uy)
    }

    /// Error bands of connected series, error bars with caps of scatter series.
    private func drawErrors(on c: CairoCanvas, _ L: Layout, _ styles: [SeriesStyle]) {
        let X = L.X, Y = L.Y, clampU = Self.clampU
        for (si, s) in series.enumerated() {
            let st = styles[si]
            var band: [(Double, Double, Double)] = [] // x, lo, hi in units
            for i in 0..<s.count {
                guard let e = s.err(i), let ux = L.x.unit(s.xs[i]), L.y.unit(s.ys[i]) != nil else { continue }
                let hi = L.y.unit(s.ys[i] + e) ?? 1
                let lo = L.y.unit(s.ys[i] - e) ?? -0.05 // ≤ 0 on a log axis: to the bottom edge
                band.append((ux, clampU(lo), clampU(hi)))
            }
            guard !band.isEmpty else { continue }
            if s.connected && band.count >= 2 {
                let sorted = band.sorted { $0.0 < $1.0 }
                let pts = sorted.map { (X(clampU($0.0)), Y($0.2)) } + sorted.reversed().map { (X(clampU($0.0)), Y($0.1)) }
                c.fillPolygon(pts, st.color, alpha: s.dashed ? 0.07 : 0.15) // lighter for the dashed (finite-t) companions
            } else {
                for b in band {
                    let x = X(clampU(b.0))
                    c.line(x, Y(b.1), x, Y(b.2), st.color, width: 1.2)
                    for yy in [Y(b.1), Y(b.2)] { c.line(x - 4, yy, x + 4, yy, st.color, width: 1.2) }
                }
            }
        }
    }

    /// The lines of connected series, each segment clipped, runs broken where a point is missing.
    private func drawSeriesLines(on c: CairoCanvas, _ L: Layout, _ styles: [SeriesStyle]) {
        let X = L.X, Y = L.Y
        for (si, s) in series.enumerated() where s.connected {
            let st = styles[si]
            var run: [(Double, Double)] = []
            var prev: (Double, Double)? = nil
            func flush() { if run.count >= 2 { c.polyline(run, st.color, width: 2, dash: s.dashed ? [7, 4] : []) }; run = [] }
            for i in 0..<s.count {
                guard let u = unitPoint(s, i, L) else { flush(); prev = nil; continue }
                if let q = prev, let seg = Clip.segment(q, u, xMin: -0.02, xMax: 1.02, yMin: -0.02, yMax: 1.02) {
                    let a = (X(seg.0.0), Y(seg.0.1)), b = (X(seg.1.0), Y(seg.1.1))
                    if let last = run.last, abs(last.0 - a.0) < 1e-6, abs(last.1 - a.1) < 1e-6 { run.append(b) } else { flush(); run = [a, b] }
                }
                prev = u
            }
            flush()
        }
    }

    /// Markers, connected series first so scatter points sit on top.
    private func drawMarkers(on c: CairoCanvas, _ L: Layout, _ styles: [SeriesStyle]) {
        for (si, s) in series.enumerated().sorted(by: { ($0.element.connected ? 0 : 1, $0.offset) < ($1.element.connected ? 0 : 1, $1.offset) }) {
            let st = styles[si]
            // Long connected series (spectra) get a marker every k-th point, like matplotlib's markevery.
            let every = s.connected && s.count > 40 ? (s.count + 24) / 25 : 1
            for i in stride(from: 0, to: s.count, by: every) {
                guard let u = unitPoint(s, i, L), Clip.contains(u, xMin: -0.01, xMax: 1.01, yMin: -0.01, yMax: 1.01) else { continue }
                c.marker(st.marker, L.X(u.0), L.Y(u.1), r: s.connected ? 4.2 : 7, st.color, hollow: !s.connected)
            }
        }
    }

    /// Legend beside the plot: line sample (solid/dashed) with the marker, wrapped names.
    private func drawLegend(on c: CairoCanvas, _ L: Layout, _ styles: [SeriesStyle]) {
        guard !series.isEmpty else { return }
        let lh = CairoCanvas.lineHeight
        let lx0 = L.plotX + L.plotW + 12, py = L.plotY
        let rowsH = Double(L.legend.map(\.count).reduce(0, +)) * lh(Layout.legendSize) + Double(L.legend.count) * 4 + 16
        c.fillRect(lx0, py, L.legendWidth, rowsH, RGB(255, 255, 255))
        c.strokeRect(lx0, py, L.legendWidth, rowsH, RGB(200, 200, 200), width: 0.8)
        var y = py + 8
        for (si, s) in series.enumerated() {
            let st = styles[si]
            let mid = y + lh(Layout.legendSize) / 2
            if s.connected { c.polyline([(lx0 + 8, mid), (lx0 + 44, mid)], st.color, width: 2, dash: s.dashed ? [7, 4] : []) }
            c.marker(st.marker, lx0 + 26, mid, r: s.connected ? 4.2 : 6, st.color, hollow: !s.connected)
            for line in L.legend[si] {
                c.text(line, x: lx0 + 52, y: y + Layout.legendSize, size: Layout.legendSize, color: RGB(25, 25, 25))
                y += lh(Layout.legendSize)
            }
            y += 4
        }
    }
}
