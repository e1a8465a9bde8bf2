import XCTest
@testable import Plotting

/// Hostile data must neither crash nor draw outside the plot.
final class RobustnessTests: XCTestCase {
    func testClipSegment() throws {
        let c = try XCTUnwrap(Clip.segment((-1, 0.5), (2, 0.5)))
        XCTAssertEqual(c.0.0, 0, accuracy: 1e-12); XCTAssertEqual(c.1.0, 1, accuracy: 1e-12)
        XCTAssertNil(Clip.segment((2, 2), (3, 3)))
        XCTAssertNil(Clip.segment((0, .nan), (1, 1)))
        let d = try XCTUnwrap(Clip.segment((0.5, -1e300), (0.5, 0.5)))
        XCTAssertEqual(d.0.1, 0, accuracy: 1e-12)
        XCTAssertEqual(Clip.pixel(1e300), 1_000_000); XCTAssertEqual(Clip.pixel(.nan), 0)
    }

    func testPointsOutsideFixedRangeStayInsideThePlot() throws {
        let fig = LinePlotFigure(series: [
            Series(name: "wild", xs: [0, 1, 2, 3], ys: [0.5, 1e300, -1e300, 0.5], yerr: [1e300, 0, 0, 0.1]),
        ], xAxis: Axis(range: 0...3), yAxis: Axis(range: 0...1), title: "clip")
        let buf = fig.render(width: 40, height: 12)
        XCTAssertTrue(buf.lines[10].contains("└"), buf.text)
        for y in [0, 1, 10, 11] { for x in 0..<40 {
            let g = buf[x, y] // rows 0, 1: title + legend; 10, 11: x axis + tick labels
            XCTAssertFalse(isBraille(g.glyph), "dot outside plot at \(x),\(y)")
        } }
        XCTAssertTrue(buf.cells.contains { isBraille($0.glyph) }, "the visible parts must still be drawn")
        _ = fig.render(width: 40, height: 12, options: .plain)
        for f in FigureFormat.allCases { XCTAssertNoThrow(try fig.render(f), f.rawValue) }
    }

    func testDegenerateInputs() throws {
        let empty = LinePlotFigure(series: [], title: "none")
        _ = empty.render(width: 40, height: 12)
        XCTAssertNoThrow(try empty.pngData())
        let nan = LinePlotFigure(series: [Series(name: "n", xs: [.nan, 1], ys: [.nan, .infinity])], yAxis: Axis(scale: .log))
        _ = nan.render(width: 40, height: 12)
        XCTAssertNoThrow(try nan.svg())
        let neg = LinePlotFigure(series: [Series(name: "neg", xs: [1, 2], ys: [-1, 0])], xAxis: Axis(scale: .log), yAxis: Axis(scale: .log))
        let b = neg.render(width: 40, height: 12)
        XCTAssertTrue(b.text.contains("1"))
        let mismatched = LinePlotFigure(series: [Series(name: "m", xs: [1, 2, 3], ys: [1], yerr: [])])
        XCTAssertEqual(mismatched.csv(), "series,x,y,yerr\nm,1.0,1.0,\n")
        let allNaN = HeatmapFigure(matrix: [.nan, .nan, .nan, .nan], rows: 2, cols: 2)
        XCTAssertTrue(allNaN.render(width: 30, height: 6).text.contains("NaN"))
        XCTAssertNoThrow(try allNaN.pngData())
        let constant = HeatmapFigure(matrix: [2, 2, 2, 2], rows: 2, cols: 2, normalization: .log)
        XCTAssertEqual(constant.scale.unit(2), 0.5)
        let empty2 = HeatmapFigure(matrix: [], rows: 0, cols: 0)
        XCTAssertTrue(empty2.render(width: 20, height: 5).text.contains("(empty)"))
        XCTAssertEqual(empty2.csv(), "")
    }
}

private func isBraille(_ c: Character) -> Bool {
    c.unicodeScalars.first.map { (0x2801...0x28FF).contains($0.value) } ?? false
}
