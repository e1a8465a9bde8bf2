import XCTest
@testable import Plotting

/// Issue 14: `view.augmentation times=1e308` trapped in Ticks (Int(log10(∞)), Int(−∞)).
final class TicksHardeningTests: XCTestCase {
    func testHugeAndInfiniteRangesDoNotTrap() {
        XCTAssertFalse(Ticks.decades(low: 1, high: .infinity, maxTicks: 6).isEmpty)
        XCTAssertEqual(Ticks.decadeLabel(.infinity), "∞")
        XCTAssertTrue(Ticks.niceStep(1.7e308).isFinite)
        XCTAssertFalse(NumberFormat.tick(1e300, step: .infinity).isEmpty)
        // The augmentation view's times (0.1 … 1e308) on log and linear axes.
        for scale in [AxisScale.log, .linear] {
            let r = Axis(scale: scale).resolve(values: [0.1, 1, 10, 1.5e308], targetTicks: 5)
            XCTAssertFalse(r.ticks.isEmpty, "\(scale)")
            XCTAssertEqual(r.ticks.count, r.tickLabels.count)
        }
    }

    /// The same session through the Cairo exports' axis (FigureAxis): 1e308 overflowed the
    /// log margins to ∞ and trapped in Int(log10(∞)).
    func testFigureAxisOfHugeValuesDoesNotTrap() {
        for scale in [AxisScale.log, .linear] {
            for values in [[0.1, 1, 10, 1.5e308], [-1.7e308, 1.7e308], [Double.greatestFiniteMagnitude]] {
                let a = FigureAxis(Axis(scale: scale), values: values, maxTicks: 6)
                XCTAssertTrue(a.low.isFinite && a.high.isFinite && a.high > a.low, "\(scale) \(values)")
                XCTAssertFalse(a.ticks.isEmpty, "\(scale) \(values)")
                XCTAssertEqual(a.ticks.count, a.labels.count)
            }
        }
    }
}
