import Foundation
import XCTest
@testable import NTKEngine

/// Issue 14: input arrays of the wrong layout, label arrays that trapped or were misread.
final class InputHardeningTests: XCTestCase {
    func arr(_ shape: [Int], _ dtype: NPYDType = .float64, fill: (Int) -> Double = { Double($0 % 7) }) throws -> NPYArray {
        try NPYArray(shape: shape, data: (0..<shape.reduce(1, *)).map(fill), dtype: dtype)
    }

    func dataError(_ body: () throws -> Any, _ words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let d = e as? DataError else { return XCTFail("not a DataError: \(e)", file: file, line: line) }
            for w in words { XCTAssertTrue(d.description.contains(w), "missing \(w.debugDescription) in: \(d)", file: file, line: line) }
        }
    }

    func testRightCountWrongShapeIsRejectedNamingBothShapes() throws {
        // NCHW (6, 3, 8, 8) for input_shape [8, 8, 3]: same 1152 values, different images.
        dataError({ try InputBatch.validated(self.arr([6, 3, 8, 8]), inputShape: [8, 8, 3], path: "x.npy") },
                  ["x.npy", "(6, 3, 8, 8)", "[8, 8, 3]", "(N, 8, 8, 3)", "np.transpose"])
        // Flattened rows (40, 144) for [12, 12, 1].
        dataError({ try InputBatch.validated(self.arr([40, 144]), inputShape: [12, 12, 1], path: "x.npy") },
                  ["(40, 144)", "(N, 12, 12, 1)", "reshape"])
        XCTAssertEqual(try InputBatch.validated(arr([6, 8, 8, 3]), inputShape: [8, 8, 3], path: "x").count, 6)
        XCTAssertEqual(try InputBatch.validated(arr([5, 7]), inputShape: [7], path: "x").count, 5)
        dataError({ try InputBatch.validated(self.arr([2, 3], fill: { $0 == 4 ? .nan : 1 }), inputShape: [3], path: "x.npy") }, ["input 1", "nan"])
    }

    func testImagesPassedAsLabelsAreRejected() throws {
        dataError({ try PredictionTargets.training(self.arr([6, 4, 4, 1]), count: 6, path: "y.npy") }, ["y.npy", "(N,) or (N, K)", "(6, 4, 4, 1)"])
    }

    func testBadClassLabelsAreErrorsNotTraps() throws {
        let train = try PredictionTargets.training(arr([6], .int64, fill: { Double($0 % 3) }), count: 6, path: "y.npy")
        XCTAssertEqual(train.columns, 3)
        for bad in [Double.nan, .infinity, 1e300] {
            dataError({ try train.test(self.arr([3], fill: { $0 == 1 ? bad : 0 }), count: 3, path: "yt.npy") }, ["yt.npy", "label 1"])
        }
        dataError({ try train.test(self.arr([3, 0]), count: 3, path: "yt.npy") }, ["(3, 0)"])
        // A label 2⁶³−1 (stored as int64) and a label 10⁹ ask for absurd class counts.
        dataError({ try PredictionTargets.training(self.arr([2], .int64, fill: { $0 == 0 ? 0 : 9.223372036854775807e18 }), count: 2, path: "y.npy") }, ["label 1", "at most 100000 classes"])
        dataError({ try PredictionTargets.training(self.arr([2], .int64, fill: { $0 == 0 ? 0 : 1e9 }), count: 2, path: "y.npy") }, ["label 1 is 1000000000", "at most"])
        dataError({ try PredictionTargets.training(self.arr([2], .int64, fill: { _ in -1 }), count: 2, path: "y.npy") }, ["≥ 0"])
    }

    func testRegressionTargetShapesMustAgree() throws {
        let train = try PredictionTargets.training(arr([6]), count: 6, path: "y.npy")
        dataError({ try train.test(self.arr([3, 2]), count: 3, path: "yt.npy") }, ["yt.npy", "(3, 2)", "1 column"])
        XCTAssertEqual(try train.test(arr([3]), count: 3, path: "yt.npy").columns, 1)
        dataError({ try PredictionTargets.training(self.arr([6], fill: { $0 == 2 ? .infinity : 0 }), count: 6, path: "y.npy") }, ["target 2"])
        dataError({ try PredictionTargets.training(self.arr([5]), count: 6, path: "y.npy") }, ["for 6 training inputs"])
    }

    func testRegressionArgumentErrorsAreNotShapeMismatches() throws {
        let k = Matrix(rows: 2, cols: 2, data: [2, 1, 1, 2])
        XCTAssertThrowsError(try KernelRegression(kTrainTrain: k, diagReg: .nan)) { e in
            XCTAssertFalse("\(e)".contains("shape mismatch"), "\(e)")
            XCTAssertTrue("\(e)".contains("diag_reg"), "\(e)")
        }
        let r = try KernelRegression(kTrainTrain: k)
        for t in [-1.0, .nan] {
            XCTAssertThrowsError(try r.predict(kTestTrain: k, targets: Matrix(rows: 2, cols: 1, data: [1, 0]), time: t)) { e in
                XCTAssertFalse("\(e)".contains("shape mismatch"), "\(e)")
                XCTAssertTrue("\(e)".contains("training time"), "\(e)")
            }
        }
    }
}
