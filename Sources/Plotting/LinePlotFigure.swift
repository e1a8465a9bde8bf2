import FileIO
import Foundation

/// One named data series of a line/scatter plot.
public struct Series: Sendable {
    public var name: String
    public var xs: [Double]
    public var ys: [Double]
    /// Optional symmetric error (e.g. std over seeds): drawn as bars y ± yerr.
    public var yerr: [Double]?
    /// Draw connecting lines (false = scatter plot, markers only).
    public var connected: Bool
    /// Series with the same group (e.g. one model at several training times t) share colour
    /// and marker in exported figures; nil = a group of its own.
    public var group: String?
    /// Dashed line in exported figures (e.g. finite t, where t = ∞ is solid).
    public var dashed: Bool

    /// Points beyond `min(xs.count, ys.count)` are ignored.
    public init(name: String, xs: [Double], ys: [Double], yerr: [Double]? = nil, connected: Bool = true,
                group: String? = nil, dashed: Bool = false) {
        self.name = name; self.xs = xs; self.ys = ys; self.yerr = yerr; self.connected = connected
        self.group = group; self.dashed = dashed
    }

    var count: Int { min(xs.count, ys.count) }
    func err(_ i: Int) -> Double? {
        guard let e = yerr, i < e.count, e[i].isFinite else { return nil }
        return abs(e[i])
    }
}

/// Colour + marker of the i-th series. The colours are the Okabe–Ito colour-blind-safe set;
/// the marker differs too, so series stay distinguishable without colour.
public struct SeriesStyle: Hashable, Sendable {
    public let color: RGB
    public let marker: MarkerShape

    public static let palette: [RGB] = [
        RGB(hex: 0xE69F00), RGB(hex: 0x56B4E9), RGB(hex: 0x009E73), RGB(hex: 0xF0E442),
        RGB(hex: 0x0072B2), RGB(hex: 0xD55E00), RGB(hex: 0xCC79A7),
    ]

    public static func forIndex(_ i: Int) -> SeriesStyle {
        let k = max(0, i)
        return SeriesStyle(color: palette[k % palette.count],
                           marker: MarkerShape.allCases[k % MarkerShape.allCases.count])
    }
}

/// Line and scatter plots (learning curves, spectra, error vs. width …).
///
/// In a terminal, lines are drawn with braille dots (2×4 per cell) and data points get the
/// series' marker glyph; in ASCII mode every series is drawn with its own marker character.
public struct LinePlotFigure: Sendable {
    public var series: [Series]
    public var xAxis: Axis
    public var yAxis: Axis
    public var title: String

    public init(series: [Series], xAxis: Axis = Axis(), yAxis: Axis = Axis(), title: String = "") {
        self.series = series; self.xAxis = xAxis; self.yAxis = yAxis; self.title = title
    }

    var allX: [Double] { series.flatMap { Array($0.xs.prefix($0.count)) } }
    var allY: [Double] {
        series.flatMap { s in
            (0..<s.count).flatMap { i -> [Double] in
                guard let e = s.err(i) else { return [s.ys[i]] }
                return [s.ys[i] - e, s.ys[i] + e]
            }
        }.filter { yAxis.scale == .linear || $0 > 0 }
    }

    // MARK: terminal rendering

    public func render(width: Int, height: Int, options: RenderOptions = .rich) -> CellBuffer {
        var buf = CellBuffer(width: width, height: height)
        render(into: &buf, area: buf.area, options: options)
        return buf
    }

    public func render(into buf: inout CellBuffer, area: Rect, options: RenderOptions = .rich) {
        buf.fill(area)
        guard area.width >= 12, area.height >= 6 else {
            buf.put(fit(title.isEmpty ? "plot" : title, area.width, unicode: options.unicode), x: area.x, y: area.y, clip: area)
            return
        }
        drawHeader(into: &buf, area: area, options: options)
        let xLabelRows = xAxis.label.isEmpty ? 0 : 1
        let plotH = area.height - 2 - 2 - xLabelRows
        guard plotH >= 2 else { return }
        let yr = yAxis.resolve(values: allY, targetTicks: max(2, plotH / 3))
        let gutter = (yr.tickLabels.map(\.count).max() ?? 1) + 1
        let plot = Rect(x: area.x + gutter, y: area.y + 2, width: area.width - gutter - 1, height: plotH)
        guard plot.width >= 4 else { return }
        let xr = xAxis.resolve(values: allX, targetTicks: max(2, plot.width / 10))
        drawAxes(into: &buf, area: area, plot: plot, gutter: gutter, xr: xr, yr: yr, unicode: options.unicode)
        drawData(into: &buf, plot: plot, xr: xr, yr: yr, options: options)
    }

    /// Title row (centred) and legend row (y label, then one marker + name per series).
    private func drawHeader(into buf: inout CellBuffer, area: Rect, options: RenderOptions) {
        let uni = options.unicode, colored = options.colorMode != .none
        let t = fit(title, area.width, unicode: options.unicode)
        buf.put(t, x: area.x + max(0, (area.width - t.count) / 2), y: area.y, style: .bold, clip: area)
        var lx = area.x
        if !yAxis.label.isEmpty { lx = buf.put(yAxis.label + "  ", x: lx, y: area.y + 1, style: .dim, clip: area) }
        for (i, s) in series.enumerated() {
            let st = SeriesStyle.forIndex(i)
            let m = uni ? st.marker.glyph : st.marker.asciiGlyph
            lx = buf.put(String(m) + " " + s.name, x: lx, y: area.y + 1,
                         style: CellStyle(fg: colored ? st.color : nil), clip: area) + 2
        }
    }

    /// Axes with tick marks, tick labels (x labels skipped where they would overlap) and x label.
    private func drawAxes(into buf: inout CellBuffer, area: Rect, plot: Rect, gutter: Int,
                          xr: ResolvedAxis, yr: ResolvedAxis, unicode uni: Bool) {
        let vline: Character = uni ? "│" : "|", hline: Character = uni ? "─" : "-"
        let ytick: Character = uni ? "┤" : "+", xtick: Character = uni ? "┬" : "+", corner: Character = uni ? "└" : "+"
        let axisX = plot.x - 1, axisY = plot.maxY
        for y in plot.y..<plot.maxY { buf[axisX, y] = Cell(vline, dim: true) }
        for x in plot.x..<plot.maxX { buf[x, axisY] = Cell(hline, dim: true) }
        buf[axisX, axisY] = Cell(corner, dim: true)
        for (v, label) in zip(yr.ticks, yr.tickLabels) {
            guard let u = yr.unit(v) else { continue }
            let cy = plot.y + Int(((1 - u) * Double(plot.height - 1)).rounded())
            guard cy >= plot.y, cy < plot.maxY else { continue }
            buf[axisX, cy] = Cell(ytick, dim: true)
            buf.put(pad(label, gutter - 1), x: area.x, y: cy, clip: area)
        }
        var lastLabelEnd = Int.min
        for (v, label) in zip(xr.ticks, xr.tickLabels) {
            guard let u = xr.unit(v) else { continue }
            let cx = plot.x + Int((u * Double(plot.width - 1)).rounded())
            guard cx >= plot.x, cx < plot.maxX else { continue }
            buf[cx, axisY] = Cell(xtick, dim: true)
            let start = min(max(area.x, cx - label.count / 2), area.maxX - label.count)
            if start > lastLabelEnd {
                buf.put(label, x: start, y: axisY + 1, clip: area)
                lastLabelEnd = start + label.count
            }
        }
        if !xAxis.label.isEmpty {
            let l = fit(xAxis.label, plot.width, unicode: uni)
            buf.put(l, x: plot.x + max(0, (plot.width - l.count) / 2), y: axisY + 2, style: .dim, clip: area)
        }
    }

    /// Lines and error bars (braille sub-pixels, or ASCII glyphs), then markers on top.
    private func drawData(into buf: inout CellBuffer, plot: Rect, xr: ResolvedAxis, yr: ResolvedAxis, options: RenderOptions) {
        let uni = options.unicode, colored = options.colorMode != .none
        let pxW = uni ? plot.width * 2 : plot.width, pxH = uni ? plot.height * 4 : plot.height
        func unitPt(_ x: Double, _ y: Double) -> (Double, Double)? {
            guard let ux = xr.unit(x), let uy = yr.unit(y) else { return nil }
            return (ux, uy)
        }
        func toPx(_ u: (Double, Double)) -> (Int, Int) {
            (Clip.pixel(u.0 * Double(pxW - 1)), Clip.pixel((1 - u.1) * Double(pxH - 1)))
        }
        var canvas = BrailleCanvas(widthCells: plot.width, heightCells: plot.height)
        var markerCells: [(Int, Int, Character, RGB?)] = []
        var asciiCells: [(Int, Int, Character, RGB?)] = []
        for (si, s) in series.enumerated() {
            let st = SeriesStyle.forIndex(si)
            let color: RGB? = colored ? st.color : nil
            let mark = uni ? st.marker.glyph : st.marker.asciiGlyph
            func segment(_ a: (Double, Double), _ b: (Double, Double), _ glyph: Character) {
                guard let c = Clip.segment(a, b) else { return }
                let p = toPx(c.0), q = toPx(c.1)
                if uni { canvas.line(p.0, p.1, q.0, q.1, color: color) }
                else { asciiLine(p, q, glyph, color, &asciiCells) }
            }
            var prev: (Double, Double)? = nil
            var pts: [(Int, Int)] = []
            for i in 0..<s.count {
                let u = unitPt(s.xs[i], s.ys[i])
                if let u {
                    if Clip.contains(u) { pts.append(toPx(u)) }
                    if s.connected, let q = prev { segment(q, u, mark) }
                    if let e = s.err(i), let hi = yr.unit(s.ys[i] + e) {
                        // On a log axis y - e may be ≤ 0: the bar then runs to the bottom.
                        let lo = yr.unit(s.ys[i] - e) ?? -1
                        segment((u.0, lo), (u.0, hi), "|")
                    }
                }
                prev = u
            }
            // Markers on (a subsample of) the data points so each series is identifiable.
            let maxMarkers = max(1, plot.width / 2)
            let every = max(1, (pts.count + maxMarkers - 1) / maxMarkers)
            for (k, p) in pts.enumerated() where k % every == 0 || !s.connected {
                if uni { markerCells.append((p.0 / 2, p.1 / 4, mark, color)) }
                else { asciiCells.append((p.0, p.1, mark, color)) }
            }
        }
        if uni {
            canvas.draw(into: &buf, x: plot.x, y: plot.y)
            for (cx, cy, m, c) in markerCells where cx >= 0 && cy >= 0 && cx < plot.width && cy < plot.height {
                buf[plot.x + cx, plot.y + cy] = Cell(m, fg: c, bold: true)
            }
        } else {
            for (cx, cy, m, c) in asciiCells where cx >= 0 && cy >= 0 && cx < plot.width && cy < plot.height {
                buf[plot.x + cx, plot.y + cy] = Cell(m, fg: c)
            }
        }
    }

    private func asciiLine(_ a: (Int, Int), _ b: (Int, Int), _ m: Character, _ c: RGB?, _ out: inout [(Int, Int, Character, RGB?)]) {
        let n = max(abs(b.0 - a.0), abs(b.1 - a.1))
        guard n > 0 else { return }
        for k in 0...n {
            let x = a.0 + (b.0 - a.0) * k / n, y = a.1 + (b.1 - a.1) * k / n
            out.append((x, y, m, c))
        }
    }


    /// Long-format CSV: `series,x,y,yerr` (yerr empty when absent).
    public func csv() -> String {
        var out = "series,x,y,yerr\n"
        for s in series {
            for i in 0..<s.count {
                out += [CSV.field(s.name), CSV.number(s.xs[i]), CSV.number(s.ys[i]), s.err(i).map(CSV.number) ?? ""].joined(separator: ",") + "\n"
            }
        }
        return out
    }
    public func writeCSV(path: String) throws { try AtomicFile.write(csv(), to: path) }
}
