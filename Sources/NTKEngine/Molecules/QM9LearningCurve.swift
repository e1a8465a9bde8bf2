import Foundation

/// MAE of the U0 atomisation energy (meV) against training-set size, for an SO(3) spherical-CNN
/// molecule kernel and a per-atom MLP baseline (the arXiv:2406.06504 QM9 experiment, made
/// permutation invariant).
///
/// Protocol: molecules are shuffled with `seed`; the first `testSize` are the test set, the next
/// max(`trainSizes`) the training pool, and size n uses the first n of the pool (nested sets).
/// Each model's molecule Gram is computed once over test ∪ pool and sliced. Targets: a
/// composition baseline (least squares of the energy on the atom counts H…F, fitted on the n
/// training molecules, ridge 1e-8) is subtracted, the residual is divided by its training standard
/// deviation, regressed with t = ∞ kernel regression (`diagReg`), and the prediction is mapped back.
/// The composition baseline alone is reported as model "composition".
public enum QM9LearningCurve {
    public struct Configuration: Sendable {
        public var trainSizes: [Int]
        public var testSize: Int
        public var seed: UInt64
        /// Relative ridge (neural-tangents' diag_reg).
        public var diagReg: Double
        public var features: AtomFeatures
        /// Per-atom SO(3) stack; its input shape must be `features.sphericalShape`.
        public var so3Spec: ArchitectureSpec
        /// Per-atom MLP; its input shape must be `[features.invariantSize]`.
        public var mlpSpec: ArchitectureSpec
        /// Further per-atom models (name, spec), e.g. the paper's relu SO(3) variant or the MLP on
        /// flattened spherical features (input `[features.flatSphericalSize]`).
        public var additionalModels: [(name: String, spec: ArchitectureSpec)] = []
        public var threads: Int?

        public init(trainSizes: [Int] = [50, 100, 200], testSize: Int = 100, seed: UInt64 = 0, diagReg: Double = 1e-4,
                    features: AtomFeatures = AtomFeatures(), so3Spec: ArchitectureSpec? = nil, mlpSpec: ArchitectureSpec? = nil,
                    threads: Int? = nil) {
            self.trainSizes = trainSizes; self.testSize = testSize; self.seed = seed; self.diagReg = diagReg
            self.features = features
            self.so3Spec = so3Spec ?? QM9LearningCurve.defaultSO3Spec(features)
            self.mlpSpec = mlpSpec ?? QM9LearningCurve.defaultMLPSpec(features)
            self.threads = threads
        }
    }

    /// s2_lift → erf → so3_conv → relu → so3_pool → dense, global filters, at the features' bandwidth;
    /// `convolution: false` drops so3_conv → relu (s2_lift → erf → so3_pool → dense), which is ≈ 50×
    /// cheaper per atom pair (no O(M·N²) conv products) — what makes L = 3 affordable on QM9.
    /// Why erf first: the lifted signals are mostly positive (sums of bumps), where ReLU is nearly linear.
    public static func defaultSO3Spec(_ f: AtomFeatures, convolution: Bool = true) -> ArchitectureSpec {
        let L = f.bandwidth
        func sph(_ w: Double, _ b: Double) -> LayerSpec.SphericalConvolution {
            .init(bandwidthIn: L, bandwidthOut: L, maxBeta: .pi, affine: .init(wStd: w, bStd: b))
        }
        let middle: [LayerSpec] = convolution ? [.so3Conv(sph(1.5, 0.1)), .activation(.relu)] : []
        return ArchitectureSpec(name: convolution ? "qm9-so3" : "qm9-so3-lift", inputShape: f.sphericalShape,
                                layers: [.s2Lift(sph(1.5, 0.1)), .activation(.erf)] + middle + [.so3Pool, .dense(.init(wStd: 1, bStd: 0.05))])
    }

    /// The paper's SO(3) stack on features of bandwidth L: s2_lift L→3, φ, so3_conv 3→3, φ,
    /// so3_pool, dense (global filters; W_std 1.5, b_std 0.1; readout 1, 0.05).
    public static func paperSO3Spec(_ f: AtomFeatures, activation: Activation) -> ArchitectureSpec {
        let L = f.bandwidth, b = min(3, L)
        func sph(_ i: Int, _ o: Int) -> LayerSpec.SphericalConvolution {
            .init(bandwidthIn: i, bandwidthOut: o, maxBeta: .pi, affine: .init(wStd: 1.5, bStd: 0.1))
        }
        return ArchitectureSpec(name: "qm9-so3-paper", inputShape: f.sphericalShape, layers: [
            .s2Lift(sph(L, b)), .activation(activation), .so3Conv(sph(b, b)), .activation(activation),
            .so3Pool, .dense(.init(wStd: 1, bStd: 0.05)),
        ])
    }

    /// The paper's baseline: an MLP (dense → φ → dense → φ → dense) on the flattened spherical
    /// features, which is not rotation invariant (a rotation moves values between grid points).
    public static func flatSphericalMLPSpec(_ f: AtomFeatures, activation: Activation) -> ArchitectureSpec {
        ArchitectureSpec(name: "qm9-mlp-spherical", inputShape: [f.flatSphericalSize], layers: [
            .dense(.init(wStd: 1.5, bStd: 0.1)), .activation(activation), .dense(.init(wStd: 1.5, bStd: 0.1)), .activation(activation),
            .dense(.init(wStd: 1, bStd: 0.05)),
        ])
    }

    /// dense → erf → dense → relu → dense on the invariant features (same depth as the SO(3) stack).
    public static func defaultMLPSpec(_ f: AtomFeatures) -> ArchitectureSpec {
        ArchitectureSpec(name: "qm9-mlp", inputShape: [f.invariantSize], layers: [
            .dense(.init(wStd: 1.5, bStd: 0.1)), .activation(.erf), .dense(.init(wStd: 1.5, bStd: 0.1)), .activation(.relu),
            .dense(.init(wStd: 1, bStd: 0.05)),
        ])
    }

    public struct Row: Sendable, Hashable {
        /// "composition", "so3" or "mlp".
        public var model: String
        /// "nngp", "ntk", or "-" for the composition baseline.
        public var kernel: String
        public var trainSize: Int
        public var testSize: Int
        public var maeMeV: Double
        /// Seconds for this model's Gram over test ∪ pool (shared by all sizes; 0 for composition).
        public var gramSeconds: Double
        /// Size of the atom-level Gram (centre atoms of test ∪ pool): what the cost scales with (²).
        public var centreAtoms: Int
        /// Seed of the training subset (`runPooled`; `run` records its shuffle seed).
        public var seed: UInt64 = 0
    }

    /// The rows as CSV with a header line.
    public static func csv(_ rows: [Row]) -> String {
        var s = "model,kernel,train_size,test_size,mae_meV,gram_seconds,centre_atoms\n"
        for r in rows {
            s += "\(r.model),\(r.kernel),\(r.trainSize),\(r.testSize),\(String(format: "%.3f", r.maeMeV)),\(String(format: "%.2f", r.gramSeconds)),\(r.centreAtoms)\n"
        }
        return s
    }

    /// Runs the curve on `molecules` (e.g. `QM9.load(limit:)` filtered); throws if there are fewer
    /// than testSize + max(trainSizes).
    public static func run(molecules: [Molecule], configuration c: Configuration,
                           progress: GramProgress = GramProgress()) throws -> [Row] {
        let pool = c.trainSizes.max() ?? 0
        guard c.trainSizes.allSatisfy({ $0 > 0 }), c.testSize > 0 else {
            throw KernelError.shape("training and test sizes must be positive, got \(c.trainSizes) and \(c.testSize)")
        }
        guard molecules.count >= c.testSize + pool else {
            throw KernelError.shape("need \(c.testSize + pool) molecules (test \(c.testSize) + largest training set \(pool)), got \(molecules.count)")
        }
        var rng = SplitMix64(seed: c.seed)
        let order = rng.permutation(molecules.count)
        let chosen = order.prefix(c.testSize + pool).map { molecules[$0] }
        let test = Array(0..<c.testSize), train = Array(c.testSize..<(c.testSize + pool))
        let centreAtoms = chosen.reduce(0) { $0 + c.features.centreIndices($1).count }

        // Only what t = ∞ regression needs: the pool Gram and the test × pool block (no test × test).
        let poolMolecules = train.map { chosen[$0] }, testMolecules = test.map { chosen[$0] }
        var models: [(String, KernelMatrices, KernelMatrices, Double)] = []
        for (name, spec) in [("so3", c.so3Spec), ("mlp", c.mlpSpec)] + c.additionalModels.map({ ($0.name, $0.spec) }) {
            let kernel = try MoleculeKernel(spec: spec, features: c.features, threads: c.threads)
            let start = Date()
            let g = try kernel.gram(poolMolecules, progress: progress)
            let x = try kernel.compute(testMolecules, poolMolecules, progress: progress)
            models.append((name, g, x, Date().timeIntervalSince(start)))
        }

        var rows = try evaluate(pool: poolMolecules, order: Array(0..<pool), test: testMolecules, models: models,
                                trainSizes: c.trainSizes, diagReg: c.diagReg, centreAtoms: centreAtoms)
        for i in rows.indices { rows[i].seed = c.seed }
        return rows
    }

    /// One model's molecule Grams over a pool and a test set: pool × pool and test × pool (K, Θ),
    /// and the seconds they took.
    public typealias PoolGrams = (name: String, pool: KernelMatrices, test: KernelMatrices, seconds: Double)

    /// The learning curve from precomputed molecule Grams over a fixed `pool` and `test` set (e.g.
    /// `MoleculeGramStore.assemble`): for each seed the pool is shuffled with `SplitMix64(seed)` and
    /// size n trains on the first n of that order (nested sets per seed), so one Gram serves every
    /// seed and size. Same regression protocol as `run`.
    public static func runPooled(pool: [Molecule], test: [Molecule], grams: [PoolGrams], trainSizes: [Int], seeds: [UInt64],
                                 diagReg: Double, centreAtoms: Int) throws -> [Row] {
        guard trainSizes.allSatisfy({ $0 > 0 && $0 <= pool.count }), !test.isEmpty else {
            throw KernelError.shape("training sizes must be in 1…\(pool.count) (the pool) and the test set non-empty, got \(trainSizes) and \(test.count)")
        }
        for g in grams {
            guard g.pool.nngp.rows == pool.count, g.pool.nngp.cols == pool.count, g.test.nngp.rows == test.count,
                  g.test.nngp.cols == pool.count, g.pool.ntk.rows == pool.count, g.test.ntk.rows == test.count else {
                throw KernelError.shape("\(g.name): Grams do not match pool \(pool.count) / test \(test.count)")
            }
        }
        var rows: [Row] = []
        for seed in seeds {
            var rng = SplitMix64(seed: seed)
            let order = rng.permutation(pool.count)
            var r = try evaluate(pool: pool, order: order, test: test, models: grams.map { ($0.name, $0.pool, $0.test, $0.seconds) },
                                 trainSizes: trainSizes, diagReg: diagReg, centreAtoms: centreAtoms)
            for i in r.indices { r[i].seed = seed }
            rows += r
        }
        return rows
    }

    /// Rows for every size n: train on pool[order[0..<n]] (Gram rows/columns order[0..<n]).
    static func evaluate(pool: [Molecule], order: [Int], test: [Molecule], models: [(String, KernelMatrices, KernelMatrices, Double)],
                         trainSizes: [Int], diagReg: Double, centreAtoms: Int) throws -> [Row] {
        var rows: [Row] = []
        let testSize = test.count
        let energies = pool.map(\.atomisationEnergyMeV)
        let yTest = Matrix(rows: testSize, cols: 1, data: test.map(\.atomisationEnergyMeV))
        let allTest = Array(0..<testSize)
        for n in trainSizes.sorted() {
            let tr = Array(order.prefix(n))
            let base = try CompositionBaseline(fit: tr.map { pool[$0] }, energies: tr.map { energies[$0] })
            let baseTrain = tr.map { base.predict(pool[$0]) }, baseTest = test.map { base.predict($0) }
            let resid = zip(tr.map { energies[$0] }, baseTrain).map { $0 - $1 }
            let mean = resid.reduce(0, +) / Double(n)
            let std = max((resid.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(n - 1, 1))).squareRoot(), 1e-12)
            let y = Matrix(rows: n, cols: 1, data: resid.map { ($0 - mean) / std })
            rows.append(Row(model: "composition", kernel: "-", trainSize: n, testSize: testSize,
                            maeMeV: Metrics.mae(Matrix(rows: testSize, cols: 1, data: baseTest.map { $0 + mean }), yTest), gramSeconds: 0, centreAtoms: centreAtoms))
            for (name, g, x, seconds) in models {
                for (kname, m, cross) in [("nngp", g.nngp, x.nngp), ("ntk", g.ntk, x.ntk)] {
                    let ktt = m.submatrix(rows: tr, cols: tr), kst = cross.submatrix(rows: allTest, cols: tr)
                    let p = try KernelRegression(kTrainTrain: ktt, diagReg: diagReg).predict(kTestTrain: kst, targets: y)
                    let pred = Matrix(rows: testSize, cols: 1, data: (0..<testSize).map { baseTest[$0] + mean + std * p.values[$0, 0] })
                    rows.append(Row(model: name, kernel: kname, trainSize: n, testSize: testSize, maeMeV: Metrics.mae(pred, yTest), gramSeconds: seconds, centreAtoms: centreAtoms))
                }
            }
        }
        return rows
    }
}

/// Least-squares energy per atom of each element: E ≈ Σ_e n_e(M)·ε_e ("dressed atoms").
///
/// Why: most of the atomisation energy is additive in the composition; taking it out leaves the
/// kernels the structural part, and its MAE is the bar any structure-aware model must clear.
public struct CompositionBaseline: Sendable {
    /// ε_e in meV per atom, indexed by `Element.rawValue`.
    public let perAtom: [Double]

    /// Fits ε by ridge-stabilised normal equations (ridge 1e-8 × mean diagonal), so absent
    /// elements (e.g. no F in the training set) get ε = 0 instead of a singular solve.
    public init(fit molecules: [Molecule], energies: [Double]) throws {
        let d = Element.allCases.count
        var a = Matrix(rows: d, cols: d), b = Matrix(rows: d, cols: 1)
        for (m, e) in zip(molecules, energies) {
            let n = m.composition.map(Double.init)
            for p in 0..<d {
                b[p, 0] += n[p] * e
                for q in 0..<d { a[p, q] += n[p] * n[q] }
            }
        }
        let ridge = 1e-8 * max(a.diagonal.reduce(0, +) / Double(d), 1e-300)
        for p in 0..<d { a[p, p] += ridge }
        guard let f = LinearAlgebra.cholesky(a) else {
            throw KernelError.linearAlgebra("composition baseline: normal equations are not positive definite")
        }
        perAtom = LinearAlgebra.choleskySolve(factor: f, n: d, b).data
    }

    public func predict(_ m: Molecule) -> Double {
        zip(m.composition, perAtom).reduce(0) { $0 + Double($1.0) * $1.1 }
    }
}
