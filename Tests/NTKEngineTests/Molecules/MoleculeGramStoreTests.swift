import Foundation
import XCTest
@testable import NTKEngine

/// The store-backed molecule Gram (`MoleculeGramStore`) against the in-memory `MoleculeKernel`,
/// resumption after an interrupted run, and the pooled learning curve (`runPooled`).
final class MoleculesGramStoreTests: XCTestCase {
    let features = AtomFeatures(bandwidth: 2, cutoff: 4, kappa: 2, powers: [1, 2], centres: .heavy)

    func kernel() throws -> MoleculeKernel {
        try MoleculeKernel(spec: QM9LearningCurve.defaultSO3Spec(features), features: features, threads: 2)
    }

    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("entk-molstore-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func maxRelative(_ a: Matrix, _ b: Matrix) -> Double {
        let scale = b.data.map(abs).max() ?? 1
        return (zip(a.data, b.data).map { abs($0 - $1) }.max() ?? .infinity) / scale
    }

    /// Assembled pool × pool and test × pool blocks equal the in-memory molecule Grams; the
    /// test × test tiles are skipped.
    func testStoreMatchesInMemoryGramAndSkipsTestTiles() throws {
        let ms = SyntheticMolecules.make(14, seed: 5)
        let pool = Array(ms[0..<6]), test = Array(ms[6..<14])
        let k = try kernel()
        let job = try MoleculeGramStore(kernel: k, pool: pool, test: test, directory: try tempDir(), tileRows: 4)
        XCTAssertLessThan(job.neededTiles.count, job.store.tiling.tiles.count, "test × test tiles should be skipped")
        XCTAssertTrue(job.store.tiling.tiles.filter { $0.rows.lowerBound >= job.poolAtoms }.allSatisfy { $0.cols.lowerBound >= job.poolAtoms })
        _ = try job.fill(warn: { XCTFail($0) }, onLine: { _ in })
        let g = try job.assemble(warn: { XCTFail($0) })
        let wantPool = try k.gram(pool), wantTest = try k.compute(test, pool)
        XCTAssertLessThanOrEqual(maxRelative(g.pool.nngp, wantPool.nngp), 1e-13)
        XCTAssertLessThanOrEqual(maxRelative(g.pool.ntk, wantPool.ntk), 1e-13)
        XCTAssertLessThanOrEqual(maxRelative(g.test.nngp, wantTest.nngp), 1e-13)
        XCTAssertLessThanOrEqual(maxRelative(g.test.ntk, wantTest.ntk), 1e-13)
        XCTAssertEqual(g.test.ntk.rows, 8); XCTAssertEqual(g.test.ntk.cols, 6)
    }

    /// A run stopped half-way (some tiles recorded, one tile file written but not recorded, a
    /// temporary file left behind) and resumed in a fresh store object gives the same bits as an
    /// uninterrupted run; a store for other molecules is refused.
    func testInterruptedRunResumesBitIdentical() throws {
        let ms = SyntheticMolecules.make(12, seed: 9)
        let pool = Array(ms[0..<7]), test = Array(ms[7..<12])
        let k = try kernel()
        let whole = try MoleculeGramStore(kernel: k, pool: pool, test: test, directory: try tempDir(), tileRows: 3)
        _ = try whole.fill(warn: { _ in }, onLine: { _ in })
        let want = try whole.assemble(warn: { XCTFail($0) })

        let dir = try tempDir()
        let first = try MoleculeGramStore(kernel: k, pool: pool, test: test, directory: dir, tileRows: 3)
        let needed = first.neededTiles
        XCTAssertGreaterThan(needed.count, 3)
        _ = try first.fill(scope: Array(needed.prefix(needed.count / 2)), warn: { _ in }, onLine: { _ in })
        XCTAssertThrowsError(try first.assemble(warn: { _ in }))
        // A tile written by a killed run before its checksum was recorded, and a stray temp file.
        let orphan = needed[needed.count - 1]
        try Data("not a tile".utf8).write(to: URL(fileURLWithPath: first.store.path(of: orphan)))
        try Data().write(to: URL(fileURLWithPath: (first.store.tilesDirectory as NSString).appendingPathComponent(".x.npz.tmp-1-abc")))

        let resumed = try MoleculeGramStore(kernel: k, pool: pool, test: test, directory: dir, tileRows: 3)
        var warnings: [String] = []
        let p = try resumed.fill(warn: { warnings.append($0) }, onLine: { _ in })
        XCTAssertEqual(p.tilesDone, needed.count)
        XCTAssertTrue(warnings.contains { $0.contains(orphan.name) }, "\(warnings)")
        let got = try resumed.assemble(warn: { XCTFail($0) })
        XCTAssertEqual(got.pool.nngp.data, want.pool.nngp.data)
        XCTAssertEqual(got.pool.ntk.data, want.pool.ntk.data)
        XCTAssertEqual(got.test.nngp.data, want.test.nngp.data)
        XCTAssertEqual(got.test.ntk.data, want.test.ntk.data)

        // Same atoms, another grouping into pool/test: refused (molecules.json differs).
        XCTAssertThrowsError(try MoleculeGramStore(kernel: k, pool: Array(ms[0..<6]), test: Array(ms[6..<12]), directory: dir, tileRows: 3)) {
            XCTAssertTrue("\($0)".contains("other"), "\($0)")
        }
        // Another model: refused by the store key.
        let mlp = try MoleculeKernel(spec: QM9LearningCurve.defaultMLPSpec(features), features: features)
        XCTAssertThrowsError(try MoleculeGramStore(kernel: mlp, pool: pool, test: test, directory: dir, tileRows: 3))
    }

    /// `runPooled` trains seed s on the first n of SplitMix64(s)'s permutation of the pool: its
    /// MAE equals a direct fit on the Grams of exactly those molecules (computed without the pool).
    func testPooledCurveUsesSeededSubsetsOfThePool() throws {
        let ms = SyntheticMolecules.make(22, seed: 2)
        let pool = Array(ms[0..<14]), test = Array(ms[14..<22])
        let k = try kernel()
        let grams: [QM9LearningCurve.PoolGrams] = [("so3", try k.gram(pool), try k.compute(test, pool), 0)]
        let rows = try QM9LearningCurve.runPooled(pool: pool, test: test, grams: grams, trainSizes: [5, 10], seeds: [1, 4],
                                                  diagReg: 1e-3, centreAtoms: 0)
        XCTAssertEqual(rows.count, 2 * 2 * 3)
        for seed: UInt64 in [1, 4] {
            var rng = SplitMix64(seed: seed)
            let train = rng.permutation(pool.count).prefix(10).map { pool[$0] }
            let direct = try QM9LearningCurve.evaluate(pool: train, order: Array(0..<10), test: test,
                                                       models: [("so3", try k.gram(train), try k.compute(test, train), 0)],
                                                       trainSizes: [10], diagReg: 1e-3, centreAtoms: 0)
            for kname in ["nngp", "ntk"] {
                let a = try XCTUnwrap(rows.first { $0.seed == seed && $0.trainSize == 10 && $0.model == "so3" && $0.kernel == kname })
                let b = try XCTUnwrap(direct.first { $0.model == "so3" && $0.kernel == kname })
                XCTAssertEqual(a.maeMeV, b.maeMeV, accuracy: 1e-8 * b.maeMeV, "seed \(seed) \(kname)")
            }
        }
        let m1 = rows.filter { $0.seed == 1 }.map(\.maeMeV), m4 = rows.filter { $0.seed == 4 }.map(\.maeMeV)
        XCTAssertNotEqual(m1, m4, "different seeds should draw different training sets")
        XCTAssertThrowsError(try QM9LearningCurve.runPooled(pool: pool, test: test, grams: grams, trainSizes: [15], seeds: [0], diagReg: 1e-3, centreAtoms: 0))
    }
}
