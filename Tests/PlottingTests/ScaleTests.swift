import XCTest
@testable import Plotting

final class ScaleTests: XCTestCase {
    func testLogAxisUsesDecadeTicks() {
        let r = Axis(scale: .log).resolve(values: [0.002, 3, 50], targetTicks: 8)
        XCTAssertEqual(r.low, 1e-3, accuracy: 1e-15)
        XCTAssertEqual(r.high, 100, accuracy: 1e-9)
        XCTAssertEqual(r.ticks.count, 6)
        for (t, k) in zip(r.ticks, -3...2) { XCTAssertEqual(t, pow(10, Double(k)), accuracy: pow(10, Double(k)) * 1e-12) }
        XCTAssertEqual(r.tickLabels, ["1e-3", "0.01", "0.1", "1", "10", "100"])
        XCTAssertEqual(r.unit(1)!, 0.6, accuracy: 1e-12)
        XCTAssertNil(r.unit(0)); XCTAssertNil(r.unit(-1))
        // Too many decades are thinned, still at powers of ten.
        let many = Ticks.decades(low: 1e-12, high: 1e12, maxTicks: 5)
        XCTAssertLessThanOrEqual(many.count, 5)
        for t in many { XCTAssertEqual(log10(t), log10(t).rounded(), accuracy: 1e-9) }
    }

    func testLinearNiceTicks() {
        XCTAssertEqual(Ticks.niceStep(0.23), 0.5)
        XCTAssertEqual(Ticks.niceStep(0.186), 0.2)
        XCTAssertEqual(Ticks.niceStep(7), 10)
        let r = Axis().resolve(values: [0, 0.93], targetTicks: 5)
        XCTAssertEqual(r.low, 0); XCTAssertEqual(r.high, 1, accuracy: 1e-12)
        XCTAssertEqual(r.tickLabels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let fixed = Axis(range: -1...1).resolve(values: [5], targetTicks: 4)
        XCTAssertEqual(fixed.low, -1); XCTAssertEqual(fixed.high, 1)
        XCTAssertEqual(fixed.unit(0), 0.5)
    }

    func testNormalizations() {
        let v: [Double] = [1, 10, 100, 1000, .nan]
        let lin = ValueScale(values: v, normalization: .linear, diverging: false)
        XCTAssertEqual(lin.low, 1); XCTAssertEqual(lin.high, 1000)
        XCTAssertTrue(lin.unit(.nan).isNaN)
        let lg = ValueScale(values: v + [-5, 0], normalization: .log, diverging: false)
        XCTAssertEqual(lg.low, 1); XCTAssertEqual(lg.unit(10), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(lg.unit(-5), 0)
        let values = (0...100).map(Double.init)
        let clip = ValueScale(values: values, normalization: .percentileClip(lower: 10, upper: 90), diverging: false)
        XCTAssertEqual(clip.low, 10, accuracy: 1e-12); XCTAssertEqual(clip.high, 90, accuracy: 1e-12)
        XCTAssertEqual(clip.unit(0), 0); XCTAssertEqual(clip.unit(100), 1); XCTAssertEqual(clip.unit(50), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Normalization.percentileClip(lower: 2, upper: 98).label, "clip p2-p98")
    }

    func testBlockMeanDownsample() {
        let m: [Double] = [1, 2, 3, 4, 5,
                           5, 6, 7, 8, 9,
                           .nan, .nan, 1, 1, 2]
        XCTAssertEqual(Downsample.factor(rows: 3, cols: 5, maxRows: 2, maxCols: 3), 2)
        let d = Downsample.blockMean(m, rows: 3, cols: 5, factor: 2)
        XCTAssertEqual(d.rows, 2); XCTAssertEqual(d.cols, 3)
        XCTAssertEqual(Array(d.values[0..<3]), [3.5, 5.5, 7])
        XCTAssertTrue(d.values[3].isNaN)                // all-NaN block stays NaN
        XCTAssertEqual(d.values[4], 1); XCTAssertEqual(d.values[5], 2)
    }

    func testNumberFormat() {
        XCTAssertEqual(NumberFormat.compact(0.5), "0.5")
        XCTAssertEqual(NumberFormat.compact(1234), "1234") // %g with 3 digits would say 1.23e+03
        XCTAssertEqual(NumberFormat.compact(1.5e-5), "1.5e-05")
        XCTAssertEqual(NumberFormat.compact(-2), "-2")
        XCTAssertEqual(NumberFormat.duration(75), "1:15")
        XCTAssertEqual(NumberFormat.duration(3725), "1:02:05")
    }
}
