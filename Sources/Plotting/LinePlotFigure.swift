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

    /// Points beyond `min(xs.count, ys.count)` are ignored.
    public init(name: String, xs: [Double], ys: [Double], yerr: [Double]? = nil, connected: Bool = true) {
        self.name = name; self.xs = xs; self.ys = ys; self.yerr = yerr; self.connected = connected
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
        let uni = options.unicode
        let colored = options.colorMode != .none
        // Title row and legend row.
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

        let xLabelRows = xAxis.label.isEmpty ? 0 : 1
        let plotH = area.height - 2 - 2 - xLabelRows
        guard plotH >= 2 else { return }
        let yr = yAxis.resolve(values: allY, targetTicks: max(2, plotH / 3))
        let gutter = (yr.tickLabels.map(\.count).max() ?? 1) + 1
        let plot = Rect(x: area.x + gutter, y: area.y + 2, width: area.width - gutter - 1, height: plotH)
        guard plot.width >= 4 else { return }
        let xr = xAxis.resolve(values: allX, targetTicks: max(2, plot.width / 10))

        // Axes with tick marks.
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

        // Data.
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

    // MARK: exports

    /// Vector scene used by PNG and SVG export (`width`×`height` pixels).
    public func scene(width: Int = 800, height: Int = 500) -> Scene {
        var s = Scene(width: width, height: height)
        let ink = RGB(20, 20, 20), grid = RGB(225, 225, 225)
        let cw = Double(Scene.charWidth)
        let plotTop = 64.0, plotBottom = Double(height) - (xAxis.label.isEmpty ? 40 : 64)
        let ph = plotBottom - plotTop
        let yr = yAxis.resolve(values: allY, targetTicks: max(2, Int(ph / 60)))
        let left = 16 + Double(yr.tickLabels.map(\.count).max() ?? 1) * cw + 10 + (yAxis.label.isEmpty ? 0 : 4)
        let right = Double(width) - 20
        let pw = right - left
        let xr = xAxis.resolve(values: allX, targetTicks: max(2, Int(pw / 100)))
        func X(_ v: Double) -> Double? { xr.unit(v).map { left + $0 * pw } }
        func Y(_ v: Double) -> Double? { yr.unit(v).map { plotBottom - $0 * ph } }
        func P(_ u: (Double, Double)) -> (Double, Double) { (left + u.0 * pw, plotBottom - u.1 * ph) }

        s.items.append(.text(x: Double(width) / 2, y: 26, title, color: ink, anchor: .middle, bold: true))
        if !yAxis.label.isEmpty { s.items.append(.text(x: 16, y: plotTop - 18, yAxis.label, color: ink, anchor: .start, bold: false)) }
        for (v, l) in zip(yr.ticks, yr.tickLabels) {
            guard let y = Y(v) else { continue }
            s.items.append(.line(x1: left, y1: y, x2: right, y2: y, color: grid, width: 1))
            s.items.append(.line(x1: left - 5, y1: y, x2: left, y2: y, color: ink, width: 1))
            s.items.append(.text(x: left - 8, y: y + 6, l, color: ink, anchor: .end, bold: false))
        }
        for (v, l) in zip(xr.ticks, xr.tickLabels) {
            guard let x = X(v) else { continue }
            s.items.append(.line(x1: x, y1: plotTop, x2: x, y2: plotBottom, color: grid, width: 1))
            s.items.append(.line(x1: x, y1: plotBottom, x2: x, y2: plotBottom + 5, color: ink, width: 1))
            s.items.append(.text(x: x, y: plotBottom + 22, l, color: ink, anchor: .middle, bold: false))
        }
        s.items.append(.line(x1: left, y1: plotTop, x2: left, y2: plotBottom, color: ink, width: 1))
        s.items.append(.line(x1: left, y1: plotBottom, x2: right, y2: plotBottom, color: ink, width: 1))
        if !xAxis.label.isEmpty { s.items.append(.text(x: left + pw / 2, y: plotBottom + 46, xAxis.label, color: ink, anchor: .middle, bold: false)) }

        for (si, sr) in series.enumerated() {
            let st = SeriesStyle.forIndex(si)
            var runs: [[(Double, Double)]] = []
            var prev: (Double, Double)? = nil
            for i in 0..<sr.count {
                let u: (Double, Double)? = xr.unit(sr.xs[i]).flatMap { ux in yr.unit(sr.ys[i]).map { (ux, $0) } }
                if let u {
                    if sr.connected, let q = prev, let c = Clip.segment(q, u) {
                        let a = P(c.0), b = P(c.1)
                        if let last = runs.last?.last, abs(last.0 - a.0) < 1e-9, abs(last.1 - a.1) < 1e-9 {
                            runs[runs.count - 1].append(b)
                        } else {
                            runs.append([a, b])
                        }
                    }
                    if let e = sr.err(i), let hi = yr.unit(sr.ys[i] + e),
                       let c = Clip.segment((u.0, yr.unit(sr.ys[i] - e) ?? -1), (u.0, hi)) {
                        let a = P(c.0), b = P(c.1)
                        s.items.append(.line(x1: a.0, y1: a.1, x2: b.0, y2: b.1, color: st.color, width: 1))
                        for y in [a.1, b.1] { s.items.append(.line(x1: a.0 - 4, y1: y, x2: a.0 + 4, y2: y, color: st.color, width: 1)) }
                    }
                }
                prev = u
            }
            for r in runs { s.items.append(.polyline(points: r, color: st.color, width: 2)) }
            for i in 0..<sr.count {
                guard let ux = xr.unit(sr.xs[i]), let uy = yr.unit(sr.ys[i]), Clip.contains((ux, uy)) else { continue }
                let p = P((ux, uy))
                s.items.append(.marker(x: p.0, y: p.1, st.marker, color: st.color, size: 8))
            }
        }
        // Legend, top-right inside the plot area.
        let legendW = Double((series.map(\.name.count).max() ?? 0) + 3) * cw + 12
        let lx = right - legendW - 6
        if !series.isEmpty {
            s.items.append(.rect(x: lx, y: plotTop + 6, width: legendW, height: Double(series.count) * 20 + 8, fill: RGB(250, 250, 250)))
        }
        for (si, sr) in series.enumerated() {
            let st = SeriesStyle.forIndex(si)
            let y = plotTop + 20 + Double(si) * 20
            s.items.append(.marker(x: lx + 14, y: y - 4, st.marker, color: st.color, size: 8))
            s.items.append(.text(x: lx + 28, y: y + 2, sr.name, color: ink, anchor: .start, bold: false))
        }
        return s
    }

    public func pngData() throws -> [UInt8] { try PNGEncoder.encode(RasterImage(scene: scene())) }
    public func writePNG(path: String) throws { try AtomicFile.write(pngData(), to: path) }
    public func svg() -> String { SVGWriter.svg(scene()) }
    public func writeSVG(path: String) throws { try AtomicFile.write(svg(), to: path) }

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
