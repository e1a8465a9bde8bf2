import FileIO
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Plotting

/// Every exported figure kind, with long titles and labels, as the layout must handle them.
func figureKinds() -> [(String, (FigureFormat) throws -> RenderedFigure)] {
    let longTitle = "Θ_{r,r′}(t,t′) gcnn-d4 after layer 2 (group_conv) [4, 4], pair (0,1) — D4: 8×8 blocks of 16×16 on rotated texture/histology patches 12×12 (scikit-image IHC, brick, grass, gravel)"
    let n = 32, g = 4, p = n / g
    var blocks = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { blocks[i * n + j] = cos(Double((i / p + j / p) % g)) + 0.1 * Double((i + j) % p) } }
    let symmetry = HeatmapFigure(matrix: blocks, rows: n, cols: n, title: longTitle, separators: (1..<g).map { $0 * p },
                                 xLabel: "(r′, t′) — group element and position of the second argument",
                                 yLabel: "(r, t) — group element and position of the first argument, a very long label indeed",
                                 quantity: "Θ", rowBlockLabels: (0..<g).map { "r = \($0)" },
                                 columnBlockLabels: (0..<g).map { "r′ = \($0)" })
    let signed = HeatmapFigure(matrix: (0..<400).map { sin(Double($0) * 0.37) * 1e-7 }, rows: 20, cols: 20,
                               title: "Difference K_{exact} − K_{emp} (signed)", colormap: .diverging,
                               xLabel: "x′", yLabel: "x", quantity: "ΔK")
    let gram = HeatmapFigure(matrix: sampleKernel(n: 600, nanAt: 3), rows: 600, cols: 600,
                             title: "K cnn — textures 12×12 — classes ihc,brick", normalization: .log,
                             separators: [300], xLabel: "x′ (by class)", yLabel: "x", quantity: "K",
                             rowBlockLabels: ["ihc", "brick"])
    let classNames = HeatmapFigure(matrix: sampleKernel(n: 40, nanAt: nil), rows: 40, cols: 40, title: "Gram",
                                   separators: [10, 20, 30], quantity: "Θ",
                                   rowBlockLabels: ["T-shirt/top", "Trouser", "Pullover", "Dress"])
    let sizes = [10.0, 20, 40, 80, 120]
    var curves: [Series] = []
    for (k, name) in ["MLP", "CNN", "gcnn-c4 with a rather long stack name for the legend", "gcnn-d4"].enumerated() {
        let base = sizes.map { 0.3 + 0.1 * Double(k) + 0.08 * log10($0) }
        curves.append(Series(name: "\(name) t=∞", xs: sizes, ys: base, yerr: base.map { _ in 0.03 }, group: name))
        curves.append(Series(name: "\(name) t=10", xs: sizes, ys: base.map { $0 - 0.05 }, group: name, dashed: true))
    }
    let learning = LinePlotFigure(series: curves, xAxis: Axis(label: "training examples", scale: .log),
                                  yAxis: Axis(label: "test accuracy", range: 0...1), title: longTitle)
    let widths = [16.0, 64, 256, 1024, 4096]
    let convergence = LinePlotFigure(series: [
        Series(name: "NTK", xs: widths, ys: widths.map { 2 / $0.squareRoot() }, yerr: widths.map { 0.5 / $0.squareRoot() }),
        Series(name: "NNGP", xs: widths, ys: widths.map { 1 / $0.squareRoot() }, yerr: widths.map { 0.9 / $0.squareRoot() }),
    ], xAxis: Axis(label: "width", scale: .log), yAxis: Axis(label: "‖mean emp. − exact‖_{F} / ‖exact‖_{F}", scale: .log),
       title: "Finite width vs limit, gcnn-c4: slope NTK −0.51, NNGP −0.49")
    let ts = [0.1, 1, 10, 100, 1000]
    let scatter = LinePlotFigure(series: [
        Series(name: "gcnn-c4 (C4), 16 points", xs: ts, ys: ts.map { 1 - exp(-$0 / 10) }),
        Series(name: "CNN, 64 augmented", xs: ts, ys: ts.map { 1 - exp(-$0 / 10) }, connected: false),
    ], xAxis: Axis(label: "training time t", scale: .log), yAxis: Axis(label: "f_{t}(x_{test}, 0) output 0"), title: "")
    let big = LinePlotFigure(series: [Series(name: "eigenvalues", xs: (1...300).map(Double.init), ys: (1...300).map { 3e7 / Double($0 * $0) })],
                             xAxis: Axis(label: "index"), yAxis: Axis(label: "eigenvalue"),
                             title: "Spectrum on linear axes with large values")
    return [("symmetry", { try symmetry.render($0) }), ("signed", { try signed.render($0) }),
            ("gram-log-600", { try gram.render($0) }), ("class-blocks", { try classNames.render($0) }),
            ("learning-curve", { try learning.render($0) }), ("convergence", { try convergence.render($0) }),
            ("scatter", { try scatter.render($0) }), ("linear-large", { try big.render($0) })]
}

final class ExportTests: XCTestCase {
    private func readBE32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }

    /// The acceptance test of the layout: in every figure kind and format, every drawn text
    /// lies inside the canvas, no two texts overlap, and the title is drawn in full (its
    /// wrapped lines put back together give the title).
    func testTextExtentsLieInsideTheCanvasAndNothingIsCutOff() throws {
        for (name, render) in figureKinds() {
            for format in FigureFormat.allCases {
                let r = try render(format)
                XCTAssertFalse(r.textBoxes.isEmpty, name)
                for b in r.textBoxes {
                    XCTAssertTrue(b.minX >= 0 && b.minY >= 0 && b.maxX <= r.width && b.maxY <= r.height,
                                  "\(name).\(format.rawValue): \(b) outside \(r.width)×\(r.height)")
                }
                for (i, a) in r.textBoxes.enumerated() { for b in r.textBoxes[(i + 1)...] {
                    let overlap = min(a.maxX, b.maxX) - max(a.minX, b.minX) > 0.5 && min(a.maxY, b.maxY) - max(a.minY, b.minY) > 1.5
                    XCTAssertFalse(overlap, "\(name).\(format.rawValue): \(a) overlaps \(b)")
                } }
            }
        }
        let title = "Θ_{r,r′}(t,t′) gcnn-d4 after layer 2 (group_conv) [4, 4], pair (0,1) — D4: 8×8 blocks of 16×16 on rotated texture/histology patches 12×12 (scikit-image IHC, brick, grass, gravel)"
        let r = try figureKinds()[0].1(.png)
        let drawn = r.textBoxes.map(\.text).joined(separator: " ")
        XCTAssertTrue(drawn.contains(CairoCanvas.plain(title).split(separator: " ").prefix(12).joined(separator: " ")), drawn)
        for word in ["gravel)", "IHC,", "Θr,r′(t,t′)", "r = 0", "r′ = 3", "Θ (linear)"] {
            XCTAssertTrue(drawn.contains(word), "\(word) missing from \(drawn)")
        }
    }

    func testFormatsHaveTheirSignatures() throws {
        let fig = HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12, title: "K")
        let r = try fig.render(.png)
        let png = r.bytes
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(String(decoding: png[12..<16], as: UTF8.self), "IHDR")
        XCTAssertEqual(readBE32(png, 16), Int((r.width * 2).rounded(.up)))  // 2 pixels per unit
        XCTAssertEqual(readBE32(png, 20), Int((r.height * 2).rounded(.up)))
        let pdf = try fig.pdfData()
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        XCTAssertTrue(String(decoding: pdf.suffix(8), as: UTF8.self).contains("%%EOF"))
        XCTAssertTrue(try sampleLines().svg().contains("<svg"))
    }

    private final class Counter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[e, default: 0] += 1
        }
    }

    func testSVGIsWellFormedVector() throws {
        for svg in [try HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12, title: "K <&> \"q\"", separators: [6]).svg(),
                    try sampleLines().svg()] {
            let c = Counter()
            let p = XMLParser(data: Data(svg.utf8))
            p.delegate = c
            XCTAssertTrue(p.parse(), "SVG not well-formed: \(String(describing: p.parserError))")
            XCTAssertEqual(c.counts["svg"], 1)
            XCTAssertGreaterThan(c.counts["path", default: 0], 5, "lines and glyphs are vector paths")
        }
    }

    /// Decodes the PNG (libpng, through PNGCodec) and reads the colour at the centre of each matrix entry.
    func testPNGPixelsAreTheColormapColours() throws {
        let fig = HeatmapFigure(matrix: [0, 1, .nan, 0.5], rows: 2, cols: 2, title: "rt")
        let layout = try HeatmapFigure.Layout(fig, maxEntries: 512, measure: CairoCanvas.measuring())
        let img = try PNGCodec.decode(fig.pngData(), path: "heatmap.png")
        XCTAssertEqual(img.channels, 3)
        let rgb = img.pixels
        let expected = [Colormap.viridis.color(at: 0), Colormap.viridis.color(at: 1), Colormap.viridis.nanColor, Colormap.viridis.color(at: 0.5)]
        for (k, e) in expected.enumerated() {
            let cx = layout.mapX + (Double(k % 2) + 0.5) * layout.mapW / 2, cy = layout.mapY + (Double(k / 2) + 0.5) * layout.mapH / 2
            let i = (Int(cy * 2) * Int(img.width) + Int(cx * 2)) * 3
            XCTAssertEqual(RGB(rgb[i], rgb[i + 1], rgb[i + 2]), e, "entry \(k)")
        }
    }

    /// The image writer's row stride at the edges: one-row, one-column and odd-width matrices
    /// keep the first and last entry's colour at their cell centres.
    func testHeatmapImageEdges() throws {
        for (rows, cols) in [(1, 7), (5, 1), (3, 13), (1, 1)] {
            let m = (0..<(rows * cols)).map(Double.init)
            let fig = HeatmapFigure(matrix: m, rows: rows, cols: cols)
            let L = try HeatmapFigure.Layout(fig, maxEntries: 512, measure: CairoCanvas.measuring())
            let img = try PNGCodec.decode(fig.pngData(), path: "heatmap.png")
            XCTAssertEqual(img.channels, 3)
            let rgb = img.pixels
            for k in [0, rows * cols - 1] {
                let cw = L.mapW / Double(cols), ch = L.mapH / Double(rows)
                let cx = L.mapX + (Double(k % cols) + 0.5) * cw, cy = L.mapY + (Double(k / cols) + 0.5) * ch
                let i = (Int(cy * 2) * Int(img.width) + Int(cx * 2)) * 3
                let want = rows * cols == 1 ? Colormap.viridis.color(at: 0.5) : Colormap.viridis.color(at: Double(k) / Double(rows * cols - 1))
                XCTAssertEqual(RGB(rgb[i], rgb[i + 1], rgb[i + 2]), want, "\(rows)×\(cols) entry \(k)")
            }
        }
    }

    /// Cairo's RGB24 pixels → RasterImage → libpng at the edges: 1×1, one row, one column and
    /// an odd width, each pixel filled with its own colour and read back by the PNG decoder.
    func testPNGRasterRoundTripAtTheEdges() throws {
        for (w, h) in [(1, 1), (7, 1), (1, 5), (3, 2)] {
            func color(_ x: Int, _ y: Int) -> RGB { RGB(UInt8(40 * x + 1), UInt8(50 * y + 2), UInt8(255 - 30 * x - 7 * y)) }
            let fig = try CairoCanvas.render(.png, width: Double(w), height: Double(h), pixelScale: 1) { c in
                for y in 0..<h { for x in 0..<w { c.fillRect(Double(x), Double(y), 1, 1, color(x, y)) } }
            }
            let img = try PNGCodec.decode(fig.bytes, path: "\(w)x\(h).png")
            XCTAssertEqual([img.width, img.height, img.channels], [w, h, 3], "\(w)×\(h)")
            for y in 0..<h {
                for x in 0..<w {
                    let o = 3 * (y * w + x)
                    XCTAssertEqual(RGB(img.pixels[o], img.pixels[o + 1], img.pixels[o + 2]), color(x, y), "\(w)×\(h) at (\(x), \(y))")
                }
            }
        }
    }

    func testSeriesOfOneGroupShareColourAndMarker() {
        let fig = LinePlotFigure(series: [
            Series(name: "CNN t=∞", xs: [1], ys: [1], group: "CNN"), Series(name: "C4 t=∞", xs: [1], ys: [1], group: "C4"),
            Series(name: "CNN t=10", xs: [1], ys: [1], group: "CNN", dashed: true), Series(name: "lone", xs: [1], ys: [1]),
        ])
        let s = fig.exportStyles()
        XCTAssertEqual(s[0], s[2])
        XCTAssertNotEqual(s[0].color, s[1].color)
        XCTAssertNotEqual(Set([s[0].color, s[1].color, s[3].color]).count, 2)
    }

    func testSignedDataGetTheDivergingMapCentredAtZero() {
        XCTAssertEqual(HeatmapFigure.suggestedColormap(for: [0.1, 0.5, 2]).name, "viridis")
        XCTAssertEqual(HeatmapFigure.suggestedColormap(for: [-1e-9, 0.5, 2]).name, "viridis") // rounding noise
        XCTAssertEqual(HeatmapFigure.suggestedColormap(for: [-0.3, 0.5, .nan]).name, "RdBu")
        let fig = HeatmapFigure(matrix: [-0.3, 0.5, 0, 1], rows: 2, cols: 2, colormap: .diverging, quantity: "ΔK")
        XCTAssertEqual(fig.scale.unit(0), 0.5)
        XCTAssertEqual(fig.colorbarCaption, "ΔK (linear, centred at 0)")
        XCTAssertEqual(HeatmapFigure(matrix: [1, 2], rows: 1, cols: 2, normalization: .log, quantity: "K").colorbarCaption, "K (log scale)")
    }

    func testBlockLabelsSitOnTheirBlocksAndFallBackToIndices() throws {
        let fig = HeatmapFigure(matrix: sampleKernel(n: 12, nanAt: nil), rows: 12, cols: 12, separators: [4, 8],
                                rowBlockLabels: ["a", "b", "c"])
        let L = try HeatmapFigure.Layout(fig, maxEntries: 512, measure: CairoCanvas.measuring())
        XCTAssertEqual(L.rowTicks.map(\.0), [2, 6, 10])
        XCTAssertEqual(L.colTicks.map(\.1), ["a", "b", "c"])
        let wrong = HeatmapFigure(matrix: sampleKernel(n: 12, nanAt: nil), rows: 12, cols: 12, separators: [4, 8],
                                  rowBlockLabels: ["a", "b"])
        let W = try HeatmapFigure.Layout(wrong, maxEntries: 512, measure: CairoCanvas.measuring())
        XCTAssertEqual(W.rowTicks.first?.1, "0")
    }

    func testAtomicWritesLeaveNoTemporaries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entk-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fig = HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12)
        for f in FigureFormat.allCases { try fig.write(f, path: dir.appendingPathComponent("k." + f.rawValue).path) }
        try fig.writeCSV(path: dir.appendingPathComponent("k.csv").path)
        try fig.writeCSV(path: dir.appendingPathComponent("k.csv").path) // overwrite
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["k.csv", "k.pdf", "k.png", "k.svg"])
        // A regular file where the parent folder should be: fails even for root, which could
        // create a missing folder (AtomicFile creates missing parents).
        let blocked = dir.appendingPathComponent("k.csv")
        XCTAssertThrowsError(try fig.writeCSV(path: blocked.appendingPathComponent("k.csv").path))
        XCTAssertThrowsError(try fig.writePDF(path: blocked.appendingPathComponent("k.pdf").path))
    }

    /// Block separators are drawn in index order, so an export is the same file in every run
    /// (they were drawn in `Set` order, which Swift randomises per process).
    func testSeparatorsAreDrawnInOrderSoExportsAreReproducible() throws {
        let seps = Array(stride(from: 2, to: 16, by: 2))
        let fig = HeatmapFigure(matrix: sampleKernel(n: 16, nanAt: nil), rows: 16, cols: 16, separators: seps)
        let svg = try fig.svg()
        // Separator strokes: `stroke-width:1.2` paths "M x0 y0 L x1 y1"; horizontal ones have y0 == y1.
        var ys: [Double] = [], xs: [Double] = []
        for line in svg.split(separator: "\n") where line.contains("stroke-width:1.2;") {
            guard let d = line.range(of: "d=\"M ") else { continue }
            let n = line[d.upperBound...].split(separator: " ").prefix(5).compactMap { Double($0) }
            guard n.count == 4 else { continue }
            if n[1] == n[3] { ys.append(n[1]) } else if n[0] == n[2] { xs.append(n[0]) }
        }
        XCTAssertEqual(ys.count, seps.count, "one horizontal line per separator")
        XCTAssertEqual(xs.count, seps.count, "one vertical line per separator")
        XCTAssertEqual(ys, ys.sorted())
        XCTAssertEqual(xs, xs.sorted())
    }

    func testCSV() {
        let fig = HeatmapFigure(matrix: [1, 0.5, .nan, 2], rows: 2, cols: 2)
        XCTAssertEqual(fig.csv(), "1.0,0.5\nNaN,2.0\n")
        let lp = LinePlotFigure(series: [Series(name: "a,b", xs: [1, 2], ys: [3, 4], yerr: [0.5, 0.25])])
        XCTAssertEqual(lp.csv(), "series,x,y,yerr\n\"a,b\",1.0,3.0,0.5\n\"a,b\",2.0,4.0,0.25\n")
    }

    /// With ENTK_FIGURE_GALLERY=/some/dir, writes every figure kind as PNG/SVG/PDF there (for
    /// looking at them); otherwise does nothing.
    func testWriteGalleryWhenAsked() throws {
        guard let dir = ProcessInfo.processInfo.environment["ENTK_FIGURE_GALLERY"] else {
            throw XCTSkip("set ENTK_FIGURE_GALLERY=<folder> to write every figure kind there for a look")
        }
        for (name, render) in figureKinds() {
            for f in FigureFormat.allCases {
                let fig = try render(f), path = "\(dir)/\(name).\(f.rawValue)"
                try AtomicFile.write(fig.bytes, to: path)
                XCTAssertEqual(try AtomicFile.read(path), fig.bytes, path)
                if f == .png {
                    // 2 device pixels per unit, whole units (CairoCanvas.render).
                    let img = try PNGCodec.decode(fig.bytes, path: path)
                    XCTAssertEqual([img.width, img.height], [Int(fig.width) * 2, Int(fig.height) * 2], path)
                }
            }
        }
    }
}

/// matplotlib-like ticks of exported figures.
final class FigureAxisTests: XCTestCase {
    func testLogAxisFitsTheDataAndWritesPlainDecades() {
        let a = FigureAxis(Axis(scale: .log), values: [8, 16, 32, 64, 120], maxTicks: 8)
        XCTAssertEqual(a.labels, ["10", "100"])
        XCTAssertLessThan(a.high, 200)      // fitted: not widened to 1000
        XCTAssertGreaterThan(a.low, 5)
        XCTAssertTrue(a.minorTicks.contains(20) && a.minorTicks.contains(90))
        let wide = FigureAxis(Axis(scale: .log), values: [0.001, 1000], maxTicks: 8)
        XCTAssertEqual(wide.labels, ["0.001", "0.01", "0.1", "1", "10", "100", "1000"])
        let huge = FigureAxis(Axis(scale: .log), values: [1e-9, 1], maxTicks: 12)
        XCTAssertEqual(huge.labels.first, "10⁻⁹")
        XCTAssertEqual(huge.labels.last, "1")
    }

    func testLogAxisWithinOneDecadeLabelsTwoAndFive() {
        // 2× and 5× ticks, plus the data ends where no labelled tick is near them: 12 (20 is
        // 0.22 decade away), 60 replacing 50 (0.08 decade from it); 0.15 replacing 0.2,
        // 0.45 replacing 0.4.
        let a = FigureAxis(Axis(scale: .log), values: [12, 60], maxTicks: 8)
        XCTAssertEqual(a.labels, ["12", "20", "60"])
        let b = FigureAxis(Axis(scale: .log), values: [0.15, 0.45], maxTicks: 8)
        XCTAssertEqual(b.labels, ["0.15", "0.3", "0.45"])
    }

    /// Learning curves: both ends of the sizes get a labelled tick. 25…250 (textures32): the
    /// decade 100, 2×/5× ticks 50 and 200, the ends 25 and 250 (200 is within 0.1 decade of
    /// 250 and steps back to a minor tick). 100…1000: the decades are the ends already.
    func testLogAxisLabelsBothEndsOfTheData() {
        let a = FigureAxis(Axis(scale: .log), values: [25, 50, 100, 250], maxTicks: 8)
        XCTAssertEqual(a.ticks, [25, 50, 100, 250])
        XCTAssertEqual(a.labels, ["25", "50", "100", "250"])
        XCTAssertTrue(a.minorTicks.contains(200) && a.minorTicks.contains(30) && !a.minorTicks.contains(50))
        let b = FigureAxis(Axis(scale: .log), values: [100, 250, 500, 1000], maxTicks: 8)
        XCTAssertEqual(b.labels, ["100", "1000"])
        // Ends near a power of ten keep the decade (8 → 10, 120 → 100); a wide axis (> 3
        // decades) keeps its decades only; a fixed range is the caller's.
        XCTAssertEqual(FigureAxis(Axis(scale: .log), values: [8, 120], maxTicks: 8).labels, ["10", "100"])
        XCTAssertEqual(FigureAxis(Axis(scale: .log), values: [0.003, 40], maxTicks: 8).labels, ["0.01", "0.1", "1", "10"])
        XCTAssertEqual(FigureAxis(Axis(scale: .log), values: [3e-5, 40], maxTicks: 8).labels, ["0.0001", "0.001", "0.01", "0.1", "1", "10"])
        XCTAssertEqual(FigureAxis(Axis(scale: .log, range: 22...280), values: [25, 250], maxTicks: 8).labels, ["50", "100", "200"])
        // Labels of ends: 3 significant digits, exact at their tick.
        XCTAssertEqual(FigureAxis.endLabel(128), "128")
        XCTAssertEqual(FigureAxis.endLabel(0.123456), "0.123")
        XCTAssertEqual(FigureAxis.endLabel(1234.6), "1235")
        XCTAssertEqual(FigureAxis.endLabel(2.5e-7), "2.5×10⁻⁷")
        let c = FigureAxis(Axis(scale: .log), values: [0.123456, 0.9], maxTicks: 8)
        XCTAssertEqual(c.ticks.first, 0.123)
        XCTAssertEqual(c.labels.first, "0.123")
    }

    func testLinearAxisStepsAndLabels() {
        let a = FigureAxis(Axis(range: 0...1), values: [0.3, 0.7], maxTicks: 6)
        XCTAssertEqual(a.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let b = FigureAxis(Axis(), values: [0, 10], maxTicks: 5)
        XCTAssertEqual(b.low, -0.5, accuracy: 1e-12)   // 5 % margins
        XCTAssertEqual(b.labels, ["0", "2", "4", "6", "8", "10"])
        XCTAssertEqual(FigureAxis(Axis(range: 0...10), values: [], maxTicks: 4).labels, ["0.0", "2.5", "5.0", "7.5", "10.0"])
        let c = FigureAxis(Axis(), values: [-3e7, 3e7], maxTicks: 5)
        XCTAssertEqual(c.offsetText, "×10⁷")
        XCTAssertTrue(c.labels.contains("−2") && c.labels.contains("0") && c.labels.contains("2"), "\(c.labels)")
        let d = FigureAxis(Axis(), values: [5, 5], maxTicks: 5)
        XCTAssertLessThan(d.low, 5); XCTAssertGreaterThan(d.high, 5)
    }

    func testTextMarkupSplitsSubAndSuperscripts() {
        XCTAssertEqual(CairoCanvas.runs("Θ_{r,r′}(t)").map(\.shift), [0, -1, 0])
        XCTAssertEqual(CairoCanvas.plain("x^{2} + a_b"), "x2 + a_b")
        XCTAssertEqual(CairoCanvas.plain("open _{ brace"), "open _{ brace")
        XCTAssertEqual(CairoCanvas.plain("slope -0.49, gcnn-c4, 1e-18, (-2)"), "slope −0.49, gcnn-c4, 1e-18, (−2)")
    }
}
