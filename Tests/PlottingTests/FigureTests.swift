import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Plotting

/// A block-structured "kernel": two classes of 6, plus a NaN entry.
func sampleKernel(n: Int = 12, nanAt: Int? = 5) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n {
        let same = (i < n / 2) == (j < n / 2)
        m[i * n + j] = (same ? 0.6 : 0.1) + (i == j ? 0.4 : 0) + 0.01 * Double((i + j) % 3)
    } }
    if let k = nanAt { m[k * n + k] = .nan }
    return m
}

func sampleLines() -> LinePlotFigure {
    let xs = (0..<20).map { Double($0) }
    return LinePlotFigure(series: [
        Series(name: "train", xs: xs, ys: xs.map { 1 / (1 + $0) }),
        Series(name: "test", xs: xs, ys: xs.map { 1.2 / (1 + $0) + 0.1 }, yerr: xs.map { _ in 0.05 }),
    ], xAxis: Axis(label: "step"), yAxis: Axis(label: "loss"), title: "Learning curve")
}

final class HeatmapTests: XCTestCase {
    func testHalfBlockPixelsCarryTwoRows() throws {
        // 4×2 matrix, one matrix entry per pixel: cell (c, r) shows rows 2r (fg) and 2r+1 (bg).
        let fig = HeatmapFigure(matrix: [0, 1, 2, 3, 4, 5, 6, 7], rows: 4, cols: 2, title: "t")
        let buf = fig.render(width: 30, height: 4)
        let mapX = 2 // gutter: "3" + space
        let c = buf[mapX, 1]
        XCTAssertEqual(c.glyph, "▀")
        // 2 map rows = 4 pixel rows for 4 matrix rows: no upscaling.
        XCTAssertEqual(c.fg, Colormap.viridis.color(at: 0))
        XCTAssertEqual(c.bg, Colormap.viridis.color(at: 2.0 / 7))
        XCTAssertEqual(buf[mapX + 1, 2].bg, Colormap.viridis.color(at: 1))
    }

    func testDownsamplingIsStatedInTitle() {
        let n = 100
        let fig = HeatmapFigure(matrix: (0..<(n * n)).map { Double($0 % n) }, rows: n, cols: n, title: "K")
        let buf = fig.render(width: 60, height: 20)
        // 17 map rows → 34 pixel rows → factor ceil(100/34) = 3.
        XCTAssertEqual(buf.lines[0].trimmingCharacters(in: .whitespaces), "K [3×3 block mean]")
        let plain = fig.render(width: 60, height: 20, options: .plain)
        XCTAssertTrue(plain.lines[0].hasPrefix("K [6x6 block mean]"), plain.lines[0])
    }

    /// Issue 14: a |G|×|G| block matrix (4 blocks of 256 positions, as after a C4 layer on
    /// 16×16 images) lost its block separators when downsampled (block means of 15×15 that
    /// mixed neighbouring blocks). Downsampling now averages within blocks only and keeps a
    /// separator between blocks at every size where one pixel per block fits.
    func testBlockSeparatorsSurviveDownsamplingAtEverySize() {
        let g = 4, p = 256, n = g * p
        func value(_ r: Int, _ c: Int) -> Double { Double(10 * (r / p) + (c / p)) }   // constant per block
        var m = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in 0..<n { m[r * n + c] = value(r, c) } }
        let seps = [p, 2 * p, 3 * p]
        let blockValues = Set((0..<g).flatMap { a in (0..<g).map { b in Double(10 * a + b) } })
        for maxPx in Array(7...40) + [57, 64, 75, 96, 128, 140] {
            guard let f = BlockAwareDownsample.factor(rows: n, cols: n, rowSeparators: seps, colSeparators: seps, maxRows: maxPx, maxCols: maxPx) else {
                return XCTFail("one pixel per block fits in \(maxPx)")
            }
            let axis = BlockAwareDownsample.axis(count: n, separators: seps, factor: f)
            XCTAssertLessThanOrEqual(axis.pixels, maxPx)
            XCTAssertEqual(axis.afterSeparator.filter { $0 }.count, 3, "separators kept at \(maxPx) px")
            XCTAssertEqual(axis.groups.map(\.count).reduce(0, +), n)
            for grp in axis.groups { XCTAssertEqual(grp.lowerBound / p, (grp.upperBound - 1) / p, "a group spans two blocks at \(maxPx) px") }
            let ds = BlockAwareDownsample.mean(m, rows: n, cols: n, rowAxis: axis, colAxis: axis)
            XCTAssertTrue(ds.allSatisfy { blockValues.contains($0) }, "a downsampled value mixes blocks at \(maxPx) px")
        }
        XCTAssertNil(BlockAwareDownsample.factor(rows: n, cols: n, rowSeparators: seps, colSeparators: seps, maxRows: 6, maxCols: 40))
        // Drawn: three separator columns in every map row, at a small and a large size.
        let fig = HeatmapFigure(matrix: m, rows: n, cols: n, title: "B", separators: seps)
        for (w, h) in [(16, 16), (20, 10), (60, 20), (100, 40)] {
            let buf = fig.render(width: w, height: h, options: RenderOptions(colorMode: .none, unicode: true))
            let row = buf.lines[2]
            XCTAssertEqual(row.filter { $0 == "│" || $0 == "┼" }.count, 3, "\(w)×\(h):\n\(buf.text)")
            XCTAssertEqual(buf.lines.filter { $0.contains("┼") }.count, 3, "\(w)×\(h):\n\(buf.text)")
        }
    }

    func testNaNAndSeparatorsAreVisible() {
        let fig = HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12, title: "K", separators: [6])
        let buf = fig.render(width: 40, height: 10)
        let colors = buf.cells.flatMap { [$0.fg, $0.bg] }.compactMap { $0 }
        XCTAssertTrue(colors.contains(Colormap.viridis.nanColor))
        XCTAssertTrue(colors.contains(.white), "separator pixels missing")
        XCTAssertTrue(buf.text.contains("NaN"))
    }

    func testSnapshots() {
        let fig = HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12, title: "NTK (2 classes)",
                                separators: [6], xLabel: "sample j", yLabel: "i")
        assertSnapshot(snapshotText(fig.render(width: 44, height: 12)), named: "heatmap_rich")
        assertSnapshot(fig.render(width: 44, height: 12, options: RenderOptions(colorMode: .palette256)).ansi(mode: .palette256),
                       named: "heatmap_rich_ansi256")
        assertSnapshot(snapshotText(fig.render(width: 44, height: 16, options: .plain)), named: "heatmap_plain")
        assertSnapshot(snapshotText(fig.render(width: 44, height: 16, options: RenderOptions(colorMode: .none, unicode: true))),
                       named: "heatmap_nocolor_unicode")
        let diff = HeatmapFigure(matrix: sampleKernel(nanAt: nil).enumerated().map { $0.element * ($0.offset % 2 == 0 ? 1 : -1) },
                                 rows: 12, cols: 12, title: "ΔK", colormap: .diverging,
                                 normalization: .percentileClip(lower: 2, upper: 98))
        assertSnapshot(snapshotText(diff.render(width: 44, height: 10)), named: "heatmap_diverging")
    }

    func testEightColorModeUsesShadeRampWithColor() {
        let fig = HeatmapFigure(matrix: [0, 0.3, 0.6, 1], rows: 2, cols: 2, title: "8")
        let opts = RenderOptions(colorMode: .palette8, unicode: true)
        let buf = fig.render(width: 30, height: 5, options: opts)
        XCTAssertFalse(buf.text.contains("▀"))
        XCTAssertTrue(buf.text.contains("█"))
        let full = buf.cells.first { $0.glyph == "█" && $0.fg == Colormap.viridis.color(at: 1) }
        XCTAssertNotNil(full, "max value should be a full block in the top colour")
        assertSnapshot(buf.ansi(mode: .palette8), named: "heatmap_palette8_ansi")
    }

    func testTinyAreaDoesNotCrash() {
        let fig = HeatmapFigure(matrix: sampleKernel(), rows: 12, cols: 12)
        for w in 0..<8 { for h in 0..<5 { _ = fig.render(width: w, height: h) } }
        let malformed = HeatmapFigure(matrix: [1, 2, 3], rows: 2, cols: 2)
        XCTAssertEqual(malformed.matrix.count, 4)
        XCTAssertTrue(malformed.matrix[3].isNaN)
    }
}

final class LinePlotTests: XCTestCase {
    func testBrailleBitLayout() {
        XCTAssertEqual(BrailleCanvas.dotBit(dx: 0, dy: 0), 0x01)
        XCTAssertEqual(BrailleCanvas.dotBit(dx: 0, dy: 2), 0x04)
        XCTAssertEqual(BrailleCanvas.dotBit(dx: 1, dy: 0), 0x08)
        XCTAssertEqual(BrailleCanvas.dotBit(dx: 0, dy: 3), 0x40)
        XCTAssertEqual(BrailleCanvas.dotBit(dx: 1, dy: 3), 0x80)
        XCTAssertEqual(BrailleCanvas.glyph(bits: 0xFF), "⣿")
        var c = BrailleCanvas(widthCells: 2, heightCells: 1)
        c.set(0, 0, color: nil); c.set(1, 3, color: nil); c.set(3, 1, color: nil)
        XCTAssertEqual(c.cellBits(0, 0), 0x81)
        XCTAssertEqual(c.cellBits(1, 0), 0x10)
        c.set(4, 0, color: nil) // outside: ignored
        var buf = CellBuffer(width: 2, height: 1)
        c.draw(into: &buf, x: 0, y: 0)
        XCTAssertEqual(buf.lines, ["⢁⠐"])
        var line = BrailleCanvas(widthCells: 2, heightCells: 1)
        line.line(0, 0, 3, 0, color: nil)
        XCTAssertEqual(line.cellBits(0, 0), 0x09); XCTAssertEqual(line.cellBits(1, 0), 0x09)
    }

    func testSeriesHaveDistinctColorsAndMarkers() {
        let styles = (0..<6).map(SeriesStyle.forIndex)
        XCTAssertEqual(Set(styles.map(\.color)).count, 6)
        XCTAssertEqual(Set(styles.map(\.marker)).count, 6)
        let buf = sampleLines().render(width: 60, height: 18)
        let fgs = Set(buf.cells.filter { $0.glyph.unicodeScalars.first.map { (0x2800...0x28FF).contains($0.value) } ?? false }.compactMap(\.fg))
        XCTAssertEqual(fgs, [SeriesStyle.forIndex(0).color, SeriesStyle.forIndex(1).color])
        XCTAssertTrue(buf.lines[1].contains("● train") && buf.lines[1].contains("■ test"), buf.lines[1])
    }

    func testSnapshots() {
        let fig = sampleLines()
        assertSnapshot(snapshotText(fig.render(width: 60, height: 18)), named: "lineplot_rich")
        assertSnapshot(snapshotText(fig.render(width: 60, height: 18, options: .plain)), named: "lineplot_plain")
        let widths = [16.0, 64, 256, 1024, 4096]
        let logFig = LinePlotFigure(series: [
            Series(name: "|K-K∞|", xs: widths, ys: widths.map { 1 / $0.squareRoot() }),
            Series(name: "scatter", xs: widths, ys: widths.map { 3 / $0 }, connected: false),
        ], xAxis: Axis(label: "width", scale: .log), yAxis: Axis(label: "error", scale: .log), title: "Convergence")
        assertSnapshot(snapshotText(logFig.render(width: 60, height: 18)), named: "lineplot_loglog")
    }
}
