import XCTest
@testable import NTKEngine

final class ExperimentTests: XCTestCase {
    /// GCNN on N points ≡ CNN on the |G|N augmented points, at every t (rounding level).
    func testAugmentationEquivalenceHoldsForC4AndD4() throws {
        var rng = TestRNG(21)
        for (g, pad) in [("C4", "circular"), ("D4", "same"), ("D1", "circular")] {
            let s = try spec(groupStackJSON(group: g, padding: pad, size: 5, channels: 1))
            let train = try InputBatch(shape: [5, 5, 1], data: rng.normals(6 * 25))
            let test = try InputBatch(shape: [5, 5, 1], data: rng.normals(3 * 25))
            let y = Matrix(rows: 6, cols: 2, data: rng.normals(12))
            let r = try AugmentationEquivalence.run(groupSpec: s, train: train, targets: y, test: test,
                                                    times: [0.5, 10, 1000, nil], threads: 1)
            XCTAssertEqual(r.points.count, 4)
            for p in r.points {
                XCTAssertGreaterThan(p.scale, 1e-3)
                XCTAssertLessThan(p.maxDifference / p.scale, 1e-9, "\(g) \(pad) t=\(String(describing: p.time))")
            }
        }
    }

    /// The identity needs the group average: an un-augmented CNN differs (the test can fail).
    func testPlainCNNDiffersFromGCNN() throws {
        var rng = TestRNG(22)
        let s = try spec(groupStackJSON(group: "C4", padding: "circular", size: 5, channels: 1))
        let c = try AugmentationEquivalence.matchingCNN(s)
        let train = try InputBatch(shape: [5, 5, 1], data: rng.normals(6 * 25))
        let test = try InputBatch(shape: [5, 5, 1], data: rng.normals(3 * 25))
        let y = Matrix(rows: 6, cols: 1, data: rng.normals(6))
        let g = try GramEngine(spec: s, threads: 1), cn = try GramEngine(spec: c, threads: 1)
        let a = try KernelRegression(kTrainTrain: try g.compute(train).ntk).predict(kTestTrain: try g.compute(test, train).ntk, targets: y)
        let b = try KernelRegression(kTrainTrain: try cn.compute(train).ntk).predict(kTestTrain: try cn.compute(test, train).ntk, targets: y)
        XCTAssertGreaterThan(zip(a.values.data, b.values.data).map { abs($0 - $1) }.max() ?? 0, 1e-4)
    }

    func testLearningCurveUsesSameSplitsAndImproves() throws {
        let pool = try SyntheticPatterns.make(count: 16, height: 6, width: 6, channels: 1, classes: 2, noise: 0.1, seed: 5)
        let test = try SyntheticPatterns.make(count: 8, height: 6, width: 6, channels: 1, classes: 2, noise: 0.1, seed: 6)
        let gs = try spec(groupStackJSON(group: "C4", padding: "circular", size: 6, channels: 1))
        let cs = try AugmentationEquivalence.matchingCNN(gs)
        let r = try LearningCurve.run(stacks: [.init(name: "CNN", spec: cs), .init(name: "C4", spec: gs)],
                                      pool: try InputBatch(shape: pool.shape, data: pool.images), poolLabels: pool.labels,
                                      test: try InputBatch(shape: test.shape, data: test.images), testLabels: test.labels,
                                      sizes: [4, 16], seeds: [1, 2], times: [nil, 100], threads: 1)
        XCTAssertEqual(r.rows.count, 2 * 2 * 2 * 2)
        let s = r.summaries
        XCTAssertEqual(s.count, 2 * 2 * 2)
        for st in ["CNN", "C4"] {
            let small = s.first { $0.stack == st && $0.size == 4 && $0.time == nil }, big = s.first { $0.stack == st && $0.size == 16 && $0.time == nil }
            XCTAssertNotNil(small); XCTAssertNotNil(big)
            XCTAssertGreaterThanOrEqual(big?.mean ?? 0, (small?.mean ?? 1) - 0.05, "\(st) accuracy should not fall with more data")
        }
        // The full pool is the same for every seed: identical rows across seeds at n = pool.
        let full = r.rows.filter { $0.stack == "C4" && $0.size == 16 && $0.time == nil }
        XCTAssertEqual(full[0].accuracy, full[1].accuracy)
        XCTAssertEqual(LearningCurve.subset(labels: pool.labels, size: 10, seed: 3), LearningCurve.subset(labels: pool.labels, size: 10, seed: 3))
        XCTAssertTrue(r.csv.hasPrefix("stack,size,seed,t,accuracy,mse,mae\n"))
    }

    /// `.prefix` trains on the first n pool points (one row per size and time, whatever the
    /// seeds). Closed form: with K_pool = I and the test points copies of pool points 0…3
    /// (cross kernel rows e_0…e_3), n = 4 predicts every test label exactly; at n = 2 the
    /// test copies of points 2 and 3 see no training point and get the zero prediction.
    func testPrefixSamplingTrainsOnTheFirstNPoints() throws {
        let labels = [0, 1, 0, 1, 0, 1, 0, 1]
        let pool = try InputBatch(shape: [1, 1, 1], data: Array(repeating: 0, count: 8))
        let test = try InputBatch(shape: [1, 1, 1], data: Array(repeating: 0, count: 4))
        var kp = Matrix(rows: 8, cols: 8), kt = Matrix(rows: 4, cols: 8)
        for i in 0..<8 { kp[i, i] = 1 }
        for i in 0..<4 { kt[i, i] = 1 }
        let grams = KernelMatrices(nngp: kp, ntk: kp), cross = KernelMatrices(nngp: kt, ntk: kt)
        let gs = try spec(groupStackJSON(group: "C4", padding: "circular", size: 6, channels: 1))
        let r = try LearningCurve.run(stacks: [.init(name: "k", spec: gs)], pool: pool, poolLabels: labels,
                                      test: test, testLabels: Array(labels[0..<4]), sizes: [2, 4], seeds: [7, 8], times: [nil],
                                      sampling: .prefix, grams: { _ in (grams, cross) })
        XCTAssertEqual(r.rows.map(\.size), [2, 4], "one row per size: the seeds do not matter")
        XCTAssertEqual(r.rows[1].accuracy, 1)
        // n = 2: centred one-hot targets ±1/2; test rows 0, 1 are predicted exactly (up to the
        // 1e-6 ridge), rows 2, 3 as 0: 4 of the 8 entries miss by 1/2.
        XCTAssertEqual(r.rows[0].mse, 4 * 0.25 / 8, accuracy: 1e-5)
    }
}

final class ProgressPlanTests: XCTestCase {
    /// A planned progress spans several Grams: it never goes back and ends at 1.
    func testPlannedProgressIsMonotoneAcrossGrams() throws {
        var rng = TestRNG(31)
        let s = try spec(groupStackJSON(group: "C4", padding: "circular", size: 4, channels: 1))
        let x = try InputBatch(shape: [4, 4, 1], data: rng.normals(5 * 16)), t = try InputBatch(shape: [4, 4, 1], data: rng.normals(2 * 16))
        let p = GramProgress()
        p.plan(total: 15 + 10)
        let e = try GramEngine(spec: s, threads: 1)
        _ = try e.compute(x, progress: p)
        XCTAssertEqual(p.completed, 15); XCTAssertEqual(p.total, 25)
        _ = try e.compute(t, x, progress: p)
        XCTAssertEqual(p.completed, 25); XCTAssertEqual(p.fraction, 1)
        // Unplanned: each Gram restarts.
        let q = GramProgress()
        _ = try e.compute(x, progress: q); _ = try e.compute(t, x, progress: q)
        XCTAssertEqual(q.total, 10); XCTAssertEqual(q.completed, 10)
    }
}
