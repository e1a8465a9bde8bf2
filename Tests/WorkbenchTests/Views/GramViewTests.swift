import XCTest
import NTKEngine
@testable import Workbench

/// `GramView.sortedByClass`: rows and columns permuted so classes are contiguous (stable
/// within a class), separators where a class starts. Expected values written out by hand.
final class GramViewTests: XCTestCase {
    func testSortedByClassPermutesSymmetricallyAndStably() {
        // Entry (i, j) = 10 i + j, so every output entry names its source.
        let m = Matrix(rows: 4, cols: 4, data: (0..<16).map { Double(10 * ($0 / 4) + $0 % 4) })
        let (s, seps) = GramView.sortedByClass(m, labels: [1, 0, 1, 0])
        // Order of sources: 1, 3 (class 0), then 0, 2 (class 1).
        XCTAssertEqual(s.rows, 4)
        XCTAssertEqual(s.cols, 4)
        XCTAssertEqual(s.data, [11, 13, 10, 12,
                                31, 33, 30, 32,
                                1, 3, 0, 2,
                                21, 23, 20, 22])
        XCTAssertEqual(seps, [2])
    }

    func testSortedByClassLeavesMismatchedInputAlone() {
        let m = Matrix(rows: 2, cols: 2, data: [1, 2, 3, 4])
        let (s, seps) = GramView.sortedByClass(m, labels: [0])
        XCTAssertEqual(s.data, m.data)
        XCTAssertEqual(seps, [])
        let (one, none) = GramView.sortedByClass(m, labels: [0, 0])
        XCTAssertEqual(one.data, m.data)
        XCTAssertEqual(none, [])
    }
}
