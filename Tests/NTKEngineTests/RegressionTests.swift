import XCTest
@testable import NTKEngine

final class RegressionTests: XCTestCase {
    func gram(_ n: Int, seed: UInt64) throws -> (Matrix, Matrix, Matrix) {
        var rng = TestRNG(seed)
        let s = try spec(#"{"input_shape": [4], "layers": [{"type": "dense", "W_std": 1.5, "b_std": 0.1}, {"type": "relu"}, {"type": "dense", "W_std": 1.5, "b_std": 0.1}]}"#)
        let xtr = try InputBatch(shape: [4], data: rng.normals(4 * n)), xte = try InputBatch(shape: [4], data: rng.normals(4 * 5))
        let e = try GramEngine(spec: s, threads: 1)
        let ktt = try e.compute(xtr).ntk, kst = try e.compute(xte, xtr).ntk
        let y = Matrix(rows: n, cols: 2, data: rng.normals(2 * n))
        return (ktt, kst, y)
    }

    func testFiniteTimeApproachesInfinity() throws {
        let (ktt, kst, y) = try gram(12, seed: 1)
        let reg = try KernelRegression(kTrainTrain: ktt)
        let inf = try reg.predict(kTestTrain: kst, targets: y).values
        var last = Double.infinity
        for t in [1.0, 10, 100, 1e3, 1e5, 1e8] {
            let p = try reg.predict(kTestTrain: kst, targets: y, time: t).values
            let d = zip(p.data, inf.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(d, last + 1e-12, "not approaching t=∞ at t=\(t)")
            last = d
        }
        XCTAssertLessThan(last, 1e-6)
        // t = 0: the mean prediction of the untrained network is 0.
        let p0 = try reg.predict(kTestTrain: kst, targets: y, time: 0).values
        XCTAssertEqual(p0.maxAbs, 0, accuracy: 1e-15)
    }

    func testInterpolatesTrainingData() throws {
        let (ktt, _, y) = try gram(10, seed: 2)
        let p = try KernelRegression(kTrainTrain: ktt).predict(kTestTrain: ktt, targets: y).values
        XCTAssertLessThan(Metrics.mse(p, y), 1e-16)
    }

    func testSingularGramFallsBackWithWarning() throws {
        // Duplicate a training point: the Gram is singular.
        var (ktt, _, y) = try gram(6, seed: 3)
        for j in 0..<6 { ktt[5, j] = ktt[0, j]; ktt[j, 5] = ktt[j, 0] }
        ktt[5, 5] = ktt[0, 0]
        for c in 0..<2 { y[5, c] = y[0, c] }
        let r = try KernelRegression(kTrainTrain: ktt).predict(kTestTrain: ktt, targets: y)
        XCTAssertTrue(r.values.isFinite)
        XCTAssertFalse(r.warnings.isEmpty)
        XCTAssertLessThan(Metrics.mse(r.values, y), 1e-10)
        // A ridge fixes it without a warning.
        let r2 = try KernelRegression(kTrainTrain: ktt, diagReg: 1e-6).predict(kTestTrain: ktt, targets: y)
        XCTAssertTrue(r2.warnings.isEmpty)
    }

    func testBadInputsAreRejected() throws {
        let (ktt, kst, y) = try gram(4, seed: 4)
        var bad = ktt; bad[0, 1] = .nan
        XCTAssertThrowsError(try KernelRegression(kTrainTrain: bad))
        XCTAssertThrowsError(try KernelRegression(kTrainTrain: ktt).predict(kTestTrain: kst.transposed, targets: y))
        XCTAssertThrowsError(try KernelRegression(kTrainTrain: ktt, diagReg: -1))
        XCTAssertThrowsError(try GramEngine(spec: try spec(#"{"input_shape": [4], "layers": [{"type": "dense"}]}"#)).compute(try InputBatch(shape: [4], data: [1, 2, .nan, 4])))
    }

    func testMetricsAndEigen() throws {
        let p = Matrix([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
        XCTAssertEqual(Metrics.accuracy(p, labels: [0, 1, 1]), 2.0 / 3.0, accuracy: 1e-15)
        let third: Double = 1.0 / 3.0
        let expected: [Double] = [-third, 1 - third, -third, 1 - third, -third, -third]
        XCTAssertEqual(Metrics.oneHot([1, 0], classes: 3, centred: true).data, expected)
        let (vals, vecs) = try LinearAlgebra.symmetricEigen(Matrix([[2, 1], [1, 2]]))
        XCTAssertEqual(vals[0], 1, accuracy: 1e-14); XCTAssertEqual(vals[1], 3, accuracy: 1e-14)
        let v = try XCTUnwrap(vecs)
        XCTAssertEqual(abs(v[0, 1]), 1 / 2.0.squareRoot(), accuracy: 1e-14) // eigenvector of 3 is (1,1)/√2
        XCTAssertEqual(v[0, 1], v[1, 1], accuracy: 1e-14)
    }
}
