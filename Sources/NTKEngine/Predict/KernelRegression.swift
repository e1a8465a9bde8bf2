import Foundation

/// Which kernel drives the prediction.
public enum KernelChoice: String, Sendable, CaseIterable {
    /// Bayesian posterior mean (t = ∞) / last-layer-only gradient flow.
    case nngp
    /// Gradient flow of the whole infinitely wide network.
    case ntk
}

/// Mean predictions of an infinitely wide network trained by gradient flow on MSE loss.
///
/// t = ∞: f = K_*·(K + ε·I)⁻¹·Y by Cholesky. Finite t (neural-tangents'
/// `gradient_descent_mse` with learning rate 1 and loss ½·Σ(f−y)²/|Y|, |Y| = N·outputs):
/// f_t = K_*·V·diag((1 − e^{−λt/|Y|})/λ)·Vᵀ·Y from the eigendecomposition K = VΛVᵀ.
/// ε = `diagReg` × mean diagonal of K (neural-tangents' relative `diag_reg`).
/// A singular or indefinite K falls back to a clipped eigen-solve and says so in `warnings`.
public struct KernelRegression: Sendable {
    public let kTrain: Matrix
    public let diagReg: Double
    /// Absolute ridge actually added to the diagonal.
    public let ridge: Double

    public init(kTrainTrain: Matrix, diagReg: Double = 0) throws {
        guard kTrainTrain.rows == kTrainTrain.cols else {
            throw KernelError.shape("train–train kernel must be square, got \(kTrainTrain.rows)×\(kTrainTrain.cols)")
        }
        guard kTrainTrain.isFinite else { throw KernelError.nonFinite("train–train kernel has NaN or infinite entries") }
        guard diagReg >= 0, diagReg.isFinite else { throw KernelError.argument("diag_reg must be a finite number ≥ 0, got \(diagReg)") }
        var k = kTrainTrain
        let n = k.rows
        let meanDiag = n == 0 ? 0 : k.diagonal.reduce(0, +) / Double(n)
        ridge = diagReg * meanDiag
        for i in 0..<n { k[i, i] += ridge }
        self.kTrain = k
        self.diagReg = diagReg
    }

    public struct Prediction: Sendable {
        /// N_test × outputs.
        public var values: Matrix
        /// Fallbacks taken (singular or indefinite Gram), in words.
        public var warnings: [String]
    }

    /// Predictions for test points with test–train kernel `kTestTrain` (N_test × N) and
    /// targets Y (N × outputs); `time` nil means t = ∞.
    public func predict(kTestTrain: Matrix, targets: Matrix, time: Double? = nil) throws -> Prediction {
        let n = kTrain.rows
        guard kTestTrain.cols == n else {
            throw KernelError.shape("test–train kernel has \(kTestTrain.cols) columns, the training set has \(n) points")
        }
        guard targets.rows == n else { throw KernelError.shape("targets have \(targets.rows) rows, the training set has \(n) points") }
        guard kTestTrain.isFinite else { throw KernelError.nonFinite("test–train kernel has NaN or infinite entries") }
        guard targets.isFinite else { throw KernelError.nonFinite("targets have NaN or infinite entries") }
        var warnings: [String] = []
        let coef: Matrix
        if let t = time {
            guard !t.isNaN, t >= 0 else { throw KernelError.argument("training time t must be ≥ 0 (or omitted for t = ∞), got \(t)") }
        }
        if let t = time, t.isFinite {
            coef = try eigenCoefficients(targets, warnings: &warnings) { lambda in
                let norm = Double(targets.rows * targets.cols)
                // (1 − e^{−λt/|Y|})/λ, with its limit t/|Y| as λ → 0; negative λ (indefinite) clipped.
                let l = max(lambda, 0)
                if l * t / norm < 1e-12 { return t / norm * (1 - l * t / norm / 2) }
                return -Foundation.expm1(-l * t / norm) / l
            }
        } else if let f = LinearAlgebra.cholesky(kTrain), Self.wellConditioned(factor: f, n: n) {
            coef = LinearAlgebra.choleskySolve(factor: f, n: n, targets)
        } else {
            warnings.append("the train–train Gram matrix is singular or indefinite (Cholesky failed or a pivot fell below 1e-12 of the largest); solved by eigendecomposition with eigenvalues below 1e-12·λmax dropped (pseudo-inverse) — consider diag_reg > 0")
            coef = try eigenCoefficients(targets, warnings: &warnings) { lambda in lambda > 0 ? 1 / lambda : 0 }
        }
        let values = LinearAlgebra.multiply(kTestTrain, coef)
        guard values.isFinite else { throw KernelError.nonFinite("the prediction is not finite; the Gram matrix is too ill-conditioned — raise diag_reg") }
        return Prediction(values: values, warnings: warnings)
    }

    /// A Cholesky factor whose smallest pivot² is below 1e-12 of the largest came from a
    /// numerically singular matrix (e.g. duplicated training points): its solve is noise.
    static func wellConditioned(factor f: [Double], n: Int) -> Bool {
        var lo = Double.infinity, hi = 0.0
        for i in 0..<n { let d = f[i * n + i] * f[i * n + i]; lo = min(lo, d); hi = max(hi, d) }
        return n == 0 || lo > 1e-12 * hi
    }

    /// V·diag(g(λ))·Vᵀ·Y, with eigenvalues at or below 1e-12·λmax treated as zero.
    func eigenCoefficients(_ y: Matrix, warnings: inout [String], g: (Double) -> Double) throws -> Matrix {
        let (values, vecs) = try LinearAlgebra.symmetricEigen(kTrain, vectors: true)
        guard let v = vecs else { throw KernelError.linearAlgebra("no eigenvectors") }
        let lmax = values.map(abs).max() ?? 0
        let cutoff = 1e-12 * lmax
        if let lmin = values.first, lmin < -cutoff {
            warnings.append(String(format: "the Gram matrix is indefinite (smallest eigenvalue %.3g, largest %.3g); negative eigenvalues are clipped to 0", lmin, lmax))
        }
        var vty = LinearAlgebra.multiply(v.transposed, y)
        for i in 0..<values.count {
            let lam = values[i] > cutoff ? values[i] : 0
            let s = g(lam)
            for j in 0..<vty.cols { vty[i, j] *= s }
        }
        return LinearAlgebra.multiply(v, vty)
    }
}

/// Error measures of predictions.
public enum Metrics {
    /// Fraction of rows whose argmax matches the label.
    public static func accuracy(_ predictions: Matrix, labels: [Int]) -> Double {
        guard predictions.rows > 0 else { return .nan }
        var hits = 0
        for i in 0..<predictions.rows {
            let row = predictions.row(i)
            let arg = row.indices.max { row[$0] < row[$1] } ?? -1
            if arg == labels[i] { hits += 1 }
        }
        return Double(hits) / Double(predictions.rows)
    }
    public static func mse(_ p: Matrix, _ y: Matrix) -> Double {
        zip(p.data, y.data).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(p.data.count, 1))
    }
    public static func mae(_ p: Matrix, _ y: Matrix) -> Double {
        zip(p.data, y.data).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(max(p.data.count, 1))
    }
    /// One-hot targets (N × classes); neural-tangents' examples centre them as y − 1/classes.
    public static func oneHot(_ labels: [Int], classes: Int, centred: Bool = false) -> Matrix {
        var m = Matrix(rows: labels.count, cols: classes)
        let off = centred ? 1 / Double(classes) : 0
        for (i, l) in labels.enumerated() {
            for c in 0..<classes { m[i, c] = (c == l ? 1 : 0) - off }
        }
        return m
    }
}
