import XCTest
@testable import NTKEngine

final class MatrixSubmatrixTests: XCTestCase {
    /// m[i, j] = 10·i + j, so every picked entry names where it came from.
    let m = Matrix(rows: 3, cols: 4, data: (0..<3).flatMap { i in (0..<4).map { j in Double(10 * i + j) } })

    func testPicksRowsAndColumnsInTheGivenOrderWithRepeats() {
        let s = m.submatrix(rows: [2, 0, 2], cols: [3, 1])
        XCTAssertEqual(s, Matrix([[23, 21], [3, 1], [23, 21]]))
    }

    func testRangesAndTheEdges() {
        XCTAssertEqual(m.submatrix(rows: 0..<3, cols: 0..<4), m)
        XCTAssertEqual(m.submatrix(rows: 1..<3, cols: 2..<4), Matrix([[12, 13], [22, 23]]))
        XCTAssertEqual(m.submatrix(rows: [2], cols: [3]), Matrix([[23]]))
        let empty = m.submatrix(rows: 0..<0, cols: [1, 2])
        XCTAssertEqual([empty.rows, empty.cols, empty.data.count], [0, 2, 0])
        let noCols = m.submatrix(rows: [1], cols: [Int]())
        XCTAssertEqual([noCols.rows, noCols.cols, noCols.data.count], [1, 0, 0])
    }

    /// A symmetric Gram picked on the same indices stays symmetric, and its transpose is the
    /// submatrix of the transpose (an independent path through `transposed`).
    func testAgreesWithTransposition() {
        let idx = [3, 0, 2]
        XCTAssertEqual(m.submatrix(rows: [1, 2], cols: idx).transposed, m.transposed.submatrix(rows: idx, cols: [1, 2]))
        var g = Matrix(rows: 4, cols: 4)
        for i in 0..<4 { for j in 0..<4 { g[i, j] = Double(min(i, j) + 2 * max(i, j)) } }
        let s = g.submatrix(rows: idx, cols: idx)
        XCTAssertEqual(s, s.transposed)
    }
}
