import Foundation
import XCTest
@testable import NTKEngine

/// The learning curve on synthetic molecules (no download), the composition baseline, and the
/// real-QM9 measurement behind `ENTK_QM9_MEASURE=1` (skipped otherwise).
final class MoleculesLearningCurveTests: XCTestCase {
    /// Energy = composition part + a structural part the composition cannot see.
    func toyMolecules(_ n: Int) -> [Molecule] {
        (0..<n).map { i in
            var m = syntheticMolecule(3 + i % 3, seed: UInt64(100 + i), index: i)
            var e = m.atoms.reduce(0.0) { $0 + $1.element.referenceEnergyHartree } - 0.2 * Double(m.heavyAtomCount)
            for a in m.atoms.indices { for b in m.atoms.indices where a < b {
                let d = m.atoms[a].position - m.atoms[b].position
                e -= 0.05 / (d * d).sum().squareRoot()
            } }
            m.u0Hartree = e
            return m
        }
    }

    func testCompositionBaselineRecoversPerAtomEnergies() throws {
        let ms = toyMolecules(12)
        let eps = [-1000.0, -5000, -7000, -9000, -11000]
        let energies = ms.map { m in zip(m.composition, eps).reduce(0) { $0 + Double($1.0) * $1.1 } }
        let b = try CompositionBaseline(fit: ms, energies: energies)
        for (m, e) in zip(ms, energies) { XCTAssertEqual(b.predict(m), e, accuracy: 1e-4 * abs(e)) }
    }

    func testCurveRunsOnSyntheticMolecules() throws {
        let f = AtomFeatures(bandwidth: 2, cutoff: 4, kappa: 2, powers: [1, 2], centres: .heavy)
        let c = QM9LearningCurve.Configuration(trainSizes: [8, 16], testSize: 8, seed: 3, diagReg: 1e-3, features: f, threads: 2)
        let rows = try QM9LearningCurve.run(molecules: toyMolecules(30), configuration: c)
        XCTAssertEqual(rows.count, 2 * 5)
        XCTAssertEqual(Set(rows.map(\.model)), ["composition", "so3", "mlp"])
        XCTAssertTrue(rows.allSatisfy { $0.maeMeV.isFinite && $0.maeMeV > 0 })
        // The pair term is structural: at 16 training molecules the kernels beat composition alone.
        let comp = try XCTUnwrap(rows.first { $0.model == "composition" && $0.trainSize == 16 })
        for model in ["so3", "mlp"] {
            let r = try XCTUnwrap(rows.first { $0.model == model && $0.kernel == "ntk" && $0.trainSize == 16 })
            XCTAssertLessThan(r.maeMeV, comp.maeMeV, model)
        }
        let csv = QM9LearningCurve.csv(rows)
        XCTAssertTrue(csv.hasPrefix("model,kernel,train_size,test_size,mae_meV,gram_seconds,centre_atoms\n"))
        XCTAssertEqual(csv.split(separator: "\n").count, 11)
        XCTAssertThrowsError(try QM9LearningCurve.run(molecules: toyMolecules(10), configuration: c))
    }

    /// The paper's settings: 10 channels without the centre one-hot (the neighbour channels equal
    /// entk's default features' channels 5…14), the flattened-spherical MLP kernel equals the MLP
    /// Gram of the flattened features summed by molecule blocks, and the extra models appear.
    func testPaperFeaturesAndExtraModels() throws {
        let ms = toyMolecules(14)
        let withHot = AtomFeatures(bandwidth: 2, cutoff: 4, kappa: 2, powers: [2, 6], centres: .heavy)
        var paper = withHot; paper.centreOneHot = false
        XCTAssertEqual(AtomFeatures.paper().channelCount, 10)
        XCTAssertEqual(AtomFeatures.paper().sphericalShape, [12, 11, 10])
        XCTAssertEqual(paper.channelCount, 10)
        let m = ms[3], i = paper.centreIndices(m)[0]
        let a = withHot.spherical(atom: i, in: m), b = paper.spherical(atom: i, in: m)
        for p in 0..<(a.count / 15) { for ch in 0..<10 { XCTAssertEqual(b[p * 10 + ch], a[p * 15 + 5 + ch]) } }
        XCTAssertEqual(paper.invariant(atom: i, in: m), Array(withHot.invariant(atom: i, in: m).dropFirst(5)))

        let spec = QM9LearningCurve.flatSphericalMLPSpec(paper, activation: .erf)
        let kernel = try MoleculeKernel(spec: spec, features: paper, threads: 2)
        XCTAssertEqual(kernel.representation, .flatSpherical)
        let sub = Array(ms.prefix(4))
        let g = try kernel.gram(sub)
        // Independent: flatten by hand, atom Gram with GramEngine, block sums by hand.
        var data: [Double] = [], owners: [Int] = []
        for (k, mol) in sub.enumerated() { for c in paper.centreIndices(mol) { data += paper.spherical(atom: c, in: mol); owners.append(k) } }
        let atom = try GramEngine(spec: spec, threads: 1).compute(try InputBatch(shape: [paper.flatSphericalSize], data: data))
        for p in 0..<4 { for q in 0..<4 {
            var sk = 0.0
            for (x, ox) in owners.enumerated() where ox == p { for (y, oy) in owners.enumerated() where oy == q { sk += atom.ntk[x, y] } }
            XCTAssertEqual(g.ntk[p, q], sk, accuracy: 1e-12 * abs(sk))
        } }

        var c = QM9LearningCurve.Configuration(trainSizes: [6], testSize: 6, seed: 1, diagReg: 1e-3, features: paper,
                                               so3Spec: QM9LearningCurve.paperSO3Spec(paper, activation: .erf),
                                               mlpSpec: QM9LearningCurve.defaultMLPSpec(paper), threads: 2)
        c.additionalModels = [("so3-relu", QM9LearningCurve.paperSO3Spec(paper, activation: .relu)), ("mlp-spherical", spec)]
        let rows = try QM9LearningCurve.run(molecules: ms, configuration: c)
        XCTAssertEqual(Set(rows.map(\.model)), ["composition", "so3", "mlp", "so3-relu", "mlp-spherical"])
        XCTAssertTrue(rows.allSatisfy { $0.maeMeV.isFinite })
    }

    /// Real QM9 numbers for docs/molecules.md. Run in release:
    /// `ENTK_QM9_MEASURE=1 swift test -c release … --filter MoleculesLearningCurveTests/testMeasureRealQM9`
    /// Sizes: ENTK_QM9_TRAIN (e.g. "50,100,200"), ENTK_QM9_TEST, ENTK_QM9_L, ENTK_QM9_POOL.
    func testMeasureRealQM9() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["ENTK_QM9_MEASURE"] == "1" else { throw XCTSkip("set ENTK_QM9_MEASURE=1 to measure on real QM9") }
        let dir = DataCache.directory()
        guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(QM9.files[0])) else {
            throw XCTSkip("QM9 is not in the data cache \(dir); run scripts/fetch-qm9.sh (make data)")
        }
        let sizes = (env["ENTK_QM9_TRAIN"] ?? "50,100,200").split(separator: ",").compactMap { Int($0) }
        let test = env["ENTK_QM9_TEST"].flatMap { Int($0) } ?? 100
        let L = env["ENTK_QM9_L"].flatMap { Int($0) } ?? 3
        let poolLimit = env["ENTK_QM9_POOL"].flatMap { Int($0) } ?? 20000
        let kappa = env["ENTK_QM9_KAPPA"].flatMap { Double($0) } ?? 2
        let diag = env["ENTK_QM9_DIAG"].flatMap { Double($0) } ?? 1e-4
        let t0 = Date()
        let ms = try QM9.load(cacheDirectory: dir, limit: poolLimit)
        print("loaded \(ms.count) molecules in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        let conv = env["ENTK_QM9_CONV"] != "0"
        let paper = env["ENTK_QM9_PAPER"] == "1"
        let seed = env["ENTK_QM9_SEED"].flatMap { UInt64($0) } ?? 0
        let f = paper ? AtomFeatures.paper() : AtomFeatures(bandwidth: L, cutoff: 5, kappa: kappa, powers: [1, 2], centres: .heavy)
        var c = QM9LearningCurve.Configuration(trainSizes: sizes, testSize: test, seed: seed, diagReg: diag, features: f,
                                               so3Spec: paper ? QM9LearningCurve.paperSO3Spec(f, activation: .erf)
                                                              : QM9LearningCurve.defaultSO3Spec(f, convolution: conv))
        if paper {
            // ENTK_QM9_MODELS: comma list of extra models (so3-relu, mlp-spherical); default both.
            let extra = (env["ENTK_QM9_MODELS"] ?? "so3-relu,mlp-spherical").split(separator: ",").map(String.init)
            if extra.contains("so3-relu") { c.additionalModels.append(("so3-relu", QM9LearningCurve.paperSO3Spec(f, activation: .relu))) }
            if extra.contains("mlp-spherical") { c.additionalModels.append(("mlp-spherical", QM9LearningCurve.flatSphericalMLPSpec(f, activation: .erf))) }
        }
        let t1 = Date()
        let rows = try QM9LearningCurve.run(molecules: ms, configuration: c)
        print("curve in \(String(format: "%.1f", Date().timeIntervalSince(t1))) s (paper=\(paper), seed=\(seed), L=\(f.bandwidth), so3_conv=\(conv), kappa=\(kappa), diag_reg=\(diag), \(rows.first?.centreAtoms ?? 0) centre atoms in the atom Gram)")
        print(QM9LearningCurve.csv(rows))
    }
}
