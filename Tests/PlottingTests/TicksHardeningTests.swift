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
}
